// Just enough XML to read AWS query-protocol responses (STS): element text by path.
//
// Not a general parser. It understands start, end and empty-element tags with attributes,
// namespaces prefixes (ignored when matching names), comments, processing instructions, CDATA
// and the predefined and numeric character references. That covers every response STS sends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dynasink::aws {

// The decoded text of the element reached by `path`, a '/'-separated list of element names
// ("AssumeRoleResult/Credentials/AccessKeyId"): the first matching child at each step, searched
// below the document's root element. `path` may also start with the root's name. None when an
// element on the path is missing or the document is malformed. Child elements of the target are
// skipped; only its own text is returned.
std::optional<std::string> XmlText(std::string_view xml, std::string_view path);

// Decodes character references ("&amp;", "&#233;", "&#xE9;") in `text`.
std::string XmlUnescape(std::string_view text);

}  // namespace dynasink::aws
