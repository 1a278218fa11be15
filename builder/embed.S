/* The pre-init binaries and the default module list, built into the builder
 * so that nothing needs installing beside it. Paths come from the Makefile. */
	.section .rodata
	.balign 16
	.global preinit_x86_64, preinit_x86_64_end
preinit_x86_64:
	.incbin PREINIT_X86_64
preinit_x86_64_end:
	.balign 16
	.global preinit_i386, preinit_i386_end
preinit_i386:
	.incbin PREINIT_I386
preinit_i386_end:
	.global default_modules_list, default_modules_list_end
default_modules_list:
	.incbin MODULES_LIST
default_modules_list_end:
	.section .note.GNU-stack,"",@progbits
