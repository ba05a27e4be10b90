// A model built to break renderers: every name, label and description carries characters that
// mean something in Markdown, HTML, DOT, Mermaid or JSON. Every output must stay well-formed.
model "Hostile | <model> & \"quotes\" {braces}" {
  description "Line one\nLine two with | pipe, <b>tag</b>, `tick`, #hash; semicolon & ampersand \\ backslash 😀"
}

boundary zone "Zone \"A\" | <internet> {x}" {
  actor user "User <script>alert(1)</script>" { description "Name with\nnewline" }
  external partner "Partner [x] (y) {z} #1;" { tags [partner, internet_facing] }
  external mirror "Mirror #" { description "    four spaces would make a code block\nsecond line" }
}
// Mermaid reads `direction TB` anywhere on a line as a change of direction; XML forbids U+FFFE
// and U+FFFF (Graphviz copies names into the SVG); some Markdown parsers end a line at U+2028.
boundary turn "direction TB zone" {
  process odd "Odd \u{FFFE} \u{FFFF} name\u{2028}| still one cell\u{2029}end"
}
boundary inner "Inner ``zone`` & café" {
  process "API | Gateway \\ \"v2\"" { technology "Kong <3.0>"; controls [authentication] }
  store db "Data|base —\t🗄️" { stores [secret] }
}
// An empty boundary is still drawn (Graphviz leaves out an empty cluster; Mermaid draws a box).
boundary vacant "Vacant <lot>" {}
// A blank name is no name: shown by the id (Mermaid cannot parse `n0("")`).
boundary blank "" {
  process nameless " "
  // Control characters: U+FFFD on the HTML page, in its table and in rows made from its data.
  process ctl "Ctl\u{1}A\u{d}B\u{d}\u{a}C\u{85}D\u{7f}E"
}
data secret "Secrets \"&\" <keys>" { classification restricted }

user -> "API | Gateway \\ \"v2\"" "Calls | with <html> & \"quotes\"\nand a newline" { protocol "HTTP/1.1 -> \"raw\""; data [secret] }
partner <-> api_gateway_v2 "Syncs ```code``` %%{init}%% -->|x|" { protocol "HTTPS" }
api_gateway_v2 -> db "Writes ; end" { protocol "Native/TLS"; data [secret] }
mirror -> odd "Switch Direction LR now ##" { protocol "HTTPS" }

threat weird "Threat | with <tags> & \"quotes\"\nover lines" {
  on api_gateway_v2 -> db
  category tampering
  severity critical
  explanation "Explained with | pipes and <angle> brackets & `ticks`"
  mitigations ["Mitigation | one", "Mitigation <two>\nsecond line"]
}
mitigate "spoofing.*@api_gateway_v2" { by "Fixed | with <care> & \"quotes\"" }
mirror -> nameless "" { protocol "" }
partner -> db "443" { protocol "TCP" }
// Bidirectional overrides would show a line in another order than it is written.
nameless -> ctl "Controls \u{202E}fdp.exe\u{2066} end"
