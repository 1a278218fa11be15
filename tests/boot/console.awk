# The serial console as lines: a kernel message (it starts "[    2.294346] ")
# printed while a line of ours was leaving the UART lands inside that line,
# whose rest then follows the message, or the run of messages printed with
# it. Put the messages on their own lines before ours and join ours again,
# so that lines are matched whole. Our lines are plain text: a stamp after
# terminal controls (the BIOS's and boot stub's before the kernel's first
# line) is left where it is.
function is_message(s)
{
	return s ~ /^\[ *[0-9]+\.[0-9]+\] /
}
{
	gsub(/\r/, "")
	line = $0
	while (match(line, /.\[ *[0-9]+\.[0-9]+\] /) &&
	       index(substr(line, 1, RSTART), "\033") == 0) {
		print substr(line, RSTART + 1)
		line = substr(line, 1, RSTART)
		rest = ""
		while ((getline rest) > 0) {
			gsub(/\r/, "", rest)
			if (!is_message(rest))
				break
			print rest
			rest = ""
		}
		line = line rest
	}
	print line
}
