// Text from a save (names of nations and provinces, table names) made safe to
// print on a terminal. A save is untrusted input: a nation named
// "\x1b]0;...\x07" or "\x1b[2J" would otherwise retitle or clear the
// operator's terminal, and a right-to-left override (U+202E) reorders what
// follows it on the line.
//
// Printable UTF-8 passes unchanged. Escaped, in a form a reader can type back:
//  - the backslash itself, as "\\" (so every escape below is unambiguous);
//  - C0 controls, DEL and bytes that are not UTF-8, as "\xNN" (byte by byte);
//  - C1 controls (U+0080..U+009F), the bidirectional controls (U+061C,
//    U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), zero-width and other
//    invisible format characters (U+200B..U+200D, U+2060..U+2064, U+FEFF)
//    and the line and paragraph separators (U+2028, U+2029), as "\u{XXXX}".
// For XML (the SVG map) tools/map_svg.cc has its own escaping; JSON output
// is escaped by the JSON library.
//
// Tests: operator_test.
#pragma once

#include <string>
#include <string_view>

namespace hegemon {

std::string printable(std::string_view text);

}  // namespace hegemon
