# SPDX-License-Identifier: MIT
# scdoc 1.11 writes a paragraph macro (.P) after every heading and at the end of every indented block, even
# where no paragraph follows; mandoc -T lint warns "skipping paragraph macro" for each. This moves a .P that
# ends an indented block to just after it (where it separates the block from what follows), then drops
# every .P that starts no paragraph: right after a heading or another .P, or right before a heading, a .P
# or the end of the page.
function is_heading(line) { return line ~ /^\.(SH|SS|TH|P)( |$)/ }
{ lines[NR] = $0 }
END {
  for (i = 1; i < NR; i++) {
    if (lines[i] == ".P" && lines[i + 1] ~ /^\.RE( |$)/) {
      lines[i] = lines[i + 1]
      lines[i + 1] = ".P"
    }
  }
  last = ""
  for (i = 1; i <= NR; i++) {
    if (lines[i] == ".P" && (is_heading(last) || i == NR || is_heading(lines[i + 1]))) {
      continue
    }
    print lines[i]
    last = lines[i]
  }
}
