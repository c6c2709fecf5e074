#include "aws/xml.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace dynasink::aws {
namespace {

// One element: its local name and the range of its content in the document.
struct Element {
  std::string_view name;
  size_t content_begin = 0;
  size_t content_end = 0;
};

std::string_view LocalName(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool IsNameChar(char c) {
  return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '/' && c != '>';
}

// Skips a comment, processing instruction, CDATA section or DOCTYPE starting at `pos` (which is
// at '<'). Returns the position after it, or npos when it is not one or is unterminated.
size_t SkipSpecial(std::string_view xml, size_t pos, bool* skipped) {
  *skipped = true;
  auto skip_to = [&](std::string_view end) {
    size_t at = xml.find(end, pos);
    return at == std::string_view::npos ? std::string_view::npos : at + end.size();
  };
  if (xml.substr(pos, 4) == "<!--") return skip_to("-->");
  if (xml.substr(pos, 2) == "<?") return skip_to("?>");
  if (xml.substr(pos, 9) == "<![CDATA[") return skip_to("]]>");
  if (xml.substr(pos, 2) == "<!") return skip_to(">");
  *skipped = false;
  return pos;
}

// Parses the children of the element whose content starts at `pos`, up to its end tag. Fills
// `children` with direct children. Returns the position of the parent's end tag ("</"), or npos
// when the document is malformed.
size_t ScanChildren(std::string_view xml, size_t pos, std::vector<Element>* children) {
  while (true) {
    size_t lt = xml.find('<', pos);
    if (lt == std::string_view::npos) return std::string_view::npos;
    bool skipped = false;
    size_t after = SkipSpecial(xml, lt, &skipped);
    if (skipped) {
      if (after == std::string_view::npos) return std::string_view::npos;
      pos = after;
      continue;
    }
    if (xml.substr(lt, 2) == "</") return lt;
    size_t name_end = lt + 1;
    while (name_end < xml.size() && IsNameChar(xml[name_end]))
      ++name_end;
    size_t gt = xml.find('>', name_end);
    if (gt == std::string_view::npos || name_end == lt + 1) return std::string_view::npos;
    Element child;
    child.name = LocalName(xml.substr(lt + 1, name_end - lt - 1));
    if (xml[gt - 1] == '/') {  // <Name/>
      child.content_begin = child.content_end = gt + 1;
      if (children) children->push_back(child);
      pos = gt + 1;
      continue;
    }
    child.content_begin = gt + 1;
    size_t end_tag = ScanChildren(xml, gt + 1, nullptr);
    if (end_tag == std::string_view::npos) return std::string_view::npos;
    child.content_end = end_tag;
    size_t close = xml.find('>', end_tag);
    if (close == std::string_view::npos) return std::string_view::npos;
    if (LocalName(xml.substr(end_tag + 2, close - end_tag - 2)) != child.name) {
      return std::string_view::npos;  // mismatched end tag
    }
    if (children) children->push_back(child);
    pos = close + 1;
  }
}

// The root element of the document.
std::optional<Element> Root(std::string_view xml) {
  size_t pos = 0;
  while (true) {
    size_t lt = xml.find('<', pos);
    if (lt == std::string_view::npos) return std::nullopt;
    bool skipped = false;
    size_t after = SkipSpecial(xml, lt, &skipped);
    if (skipped) {
      if (after == std::string_view::npos) return std::nullopt;
      pos = after;
      continue;
    }
    size_t name_end = lt + 1;
    while (name_end < xml.size() && IsNameChar(xml[name_end]))
      ++name_end;
    size_t gt = xml.find('>', name_end);
    if (gt == std::string_view::npos || name_end == lt + 1 || xml[lt + 1] == '/') {
      return std::nullopt;
    }
    Element root;
    root.name = LocalName(xml.substr(lt + 1, name_end - lt - 1));
    if (xml[gt - 1] == '/') {
      root.content_begin = root.content_end = gt + 1;
      return root;
    }
    root.content_begin = gt + 1;
    size_t end_tag = ScanChildren(xml, gt + 1, nullptr);
    if (end_tag == std::string_view::npos) return std::nullopt;
    root.content_end = end_tag;
    return root;
  }
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x110000) {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The element's own text: character data and CDATA, without child elements and comments.
std::string OwnText(std::string_view xml, const Element& e) {
  std::string out;
  size_t pos = e.content_begin;
  while (pos < e.content_end) {
    size_t lt = xml.find('<', pos);
    if (lt == std::string_view::npos || lt > e.content_end) lt = e.content_end;
    out.append(XmlUnescape(xml.substr(pos, lt - pos)));
    if (lt >= e.content_end) break;
    if (xml.substr(lt, 9) == "<![CDATA[") {
      size_t end = xml.find("]]>", lt);
      if (end == std::string_view::npos) break;
      out.append(xml.substr(lt + 9, end - lt - 9));
      pos = end + 3;
      continue;
    }
    bool skipped = false;
    size_t after = SkipSpecial(xml, lt, &skipped);
    if (skipped) {
      pos = after;
      continue;
    }
    // A child element: skip it whole. The element was validated when it was found, so these
    // searches succeed; the checks only guard against misuse.
    size_t gt = xml.find('>', lt);
    if (gt == std::string_view::npos) break;
    if (xml[gt - 1] == '/') {
      pos = gt + 1;
      continue;
    }
    size_t end_tag = ScanChildren(xml, gt + 1, nullptr);
    if (end_tag == std::string_view::npos) break;
    size_t close = xml.find('>', end_tag);
    if (close == std::string_view::npos) break;
    pos = close + 1;
  }
  return out;
}

}  // namespace

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view ref = text.substr(i + 1, semi - i - 1);
    if (ref == "amp")
      out.push_back('&');
    else if (ref == "lt")
      out.push_back('<');
    else if (ref == "gt")
      out.push_back('>');
    else if (ref == "quot")
      out.push_back('"');
    else if (ref == "apos")
      out.push_back('\'');
    else if (ref.size() > 1 && ref[0] == '#') {
      std::string digits(ref.substr(ref[1] == 'x' || ref[1] == 'X' ? 2 : 1));
      char* end = nullptr;
      unsigned long cp =
          std::strtoul(digits.c_str(), &end, ref[1] == 'x' || ref[1] == 'X' ? 16 : 10);
      if (digits.empty() || *end != '\0') {
        out.push_back('&');
        continue;
      }
      AppendUtf8(static_cast<uint32_t>(cp), &out);
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::optional<std::string> XmlText(std::string_view xml, std::string_view path) {
  std::optional<Element> current = Root(xml);
  if (!current) return std::nullopt;
  bool first = true;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view name = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (first && name == current->name) {
      first = false;
      continue;
    }
    first = false;
    std::vector<Element> children;
    if (ScanChildren(xml, current->content_begin, &children) == std::string_view::npos) {
      return std::nullopt;
    }
    bool found = false;
    for (const Element& child : children) {
      if (child.name == name) {
        current = child;
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }
  return OwnText(xml, *current);
}

}  // namespace dynasink::aws
