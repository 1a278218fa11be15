# The serial console as lines: a kernel message (it starts "[    2.294346] ")
# printed while a line of ours was leaving the UART lands inside that line,
# whose rest then follows the message's newline. Put the message on its own
# line before ours and join ours again, so that lines are matched whole.
{
	gsub(/\r/, "")
	line = $0
	while (match(line, /.\[ *[0-9]+\.[0-9]+\] /) && (getline rest) > 0) {
		gsub(/\r/, "", rest)
		print substr(line, RSTART + 1)
		line = substr(line, 1, RSTART) rest
	}
	print line
}
