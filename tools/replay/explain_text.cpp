#include "tools/replay/explain_text.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace kqsim::replay {
namespace {

std::size_t indent_of(const std::string& line) {
  const std::size_t n = line.find_first_not_of(' ');
  return n == std::string::npos ? 0 : n;
}

void fold_line(const std::string& line, std::size_t width, std::string& out) {
  const std::string more(indent_of(line) + 4, ' ');
  std::string rest = line;
  bool first = true;
  while (rest.size() > width) {
    const std::size_t start = first ? indent_of(rest) : more.size();
    std::size_t cut = rest.rfind(' ', width);
    if (cut == std::string::npos || cut <= start) cut = rest.find(' ', width);  // one long word: let it overflow
    if (cut == std::string::npos) break;
    out += rest.substr(0, cut) + "\n";
    rest = more + rest.substr(rest.find_first_not_of(' ', cut) == std::string::npos ? rest.size() : rest.find_first_not_of(' ', cut));
    first = false;
  }
  out += rest + "\n";
}

// An entry: a line with the lines under it indented 6 or more (a knote's
// second line, its timer), so a changed detail shows with what it belongs
// to; `parent` is the nearest line above indented less (the kqueue of a
// knote), shown as context.
struct Entry {
  std::string text;
  std::string parent;
};

std::vector<Entry> entries(const std::string& text) {
  std::vector<Entry> out;
  std::vector<std::string> headers;  // headers[i]: the last line indented i * 2
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const std::size_t indent = indent_of(line);
    if (!out.empty() && indent >= 6) {
      out.back().text += "\n" + line;
      continue;
    }
    const std::size_t level = indent / 2;
    headers.resize(level + 1);
    headers[level] = line;
    out.push_back({line, level > 1 ? headers[level - 1] : ""});
  }
  return out;
}

std::string marked(const std::string& entry, char mark) {
  std::string out;
  std::istringstream in(entry);
  for (std::string line; std::getline(in, line);) out += std::string(1, mark) + line.substr(1) + "\n";
  return out;
}

}  // namespace

std::string fit_width(const std::string& text, std::size_t width) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) fold_line(line, width, out);
  if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
  return out;
}

// What an entry is about, so its old and new versions print together: the
// text before the first ':' ("  kqueue kq (pid 1, fd 3)", "    activation
// queue") or, for a knote line, its ident and filter columns.
std::string line_identity(const std::string& line) {
  const std::size_t colon = line.find(':');
  return colon != std::string::npos && colon < 40 ? line.substr(0, colon) : line.substr(0, 34);
}

std::string identity(const Entry& e) {
  return line_identity(e.parent) + "|" + line_identity(e.text.substr(0, e.text.find('\n')));
}

std::string state_changes(const std::string& before, const std::string& after) {
  const std::vector<Entry> old_entries = entries(before);
  const std::vector<Entry> new_entries = entries(after);
  auto contains = [](const std::vector<Entry>& v, const Entry& e) {
    return std::any_of(v.begin(), v.end(), [&](const Entry& x) { return x.text == e.text; });
  };
  std::string out;
  std::string last_context;
  auto emit = [&](const Entry& e, char mark) {
    const std::string context = line_identity(e.parent.empty() ? e.text : e.parent);
    if (!e.parent.empty() && context != last_context) out += e.parent + "\n";
    last_context = context;
    out += marked(e.text, mark);
  };
  std::vector<bool> shown(old_entries.size(), false);
  for (const Entry& e : new_entries) {
    if (contains(old_entries, e)) continue;
    for (std::size_t i = 0; i < old_entries.size(); ++i) {
      if (shown[i] || identity(old_entries[i]) != identity(e) || contains(new_entries, old_entries[i])) continue;
      emit(old_entries[i], '-');
      shown[i] = true;
      break;
    }
    emit(e, '+');
  }
  for (std::size_t i = 0; i < old_entries.size(); ++i) {
    if (!shown[i] && !contains(new_entries, old_entries[i])) emit(old_entries[i], '-');
  }
  return out.empty() ? "  (nothing changed)\n" : out;
}

}  // namespace kqsim::replay
