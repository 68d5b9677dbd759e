// Text that came from outside detaudit (a program's stderr, file names it wrote, scenario names,
// op ids, env values) made safe to print on a terminal: it cannot move the cursor, change
// colours, set the window title or reorder the line.
#pragma once
#include <string>
#include <string_view>

namespace detaudit {

enum class Newlines { escape, keep };

// Control characters (C0 but, with Newlines::keep, '\n'; DEL; C1 as bytes or as UTF-8) become
// visible escapes (\x1b, \t, \r, \u009b), as do the bidirectional overrides and isolates
// (U+202A..U+202E, U+2066..U+2069) and bytes that are not UTF-8 (\xff). Everything else, UTF-8
// included, is unchanged; a NUL byte is an escape like the others, never the end of the text.
std::string escape_for_terminal(std::string_view text, Newlines newlines = Newlines::escape);

} // namespace detaudit
