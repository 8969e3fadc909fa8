#include "stored_form.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "json_escape.hpp"
#include "utf8.hpp"

namespace roost::detail {
namespace {

// Where a value sits, as far as the fields the order reads are concerned.
enum class place {
  other,
  top,          // a member of the top-level object
  in_busybird,  // a member of top-level "busybird"
  id,           // top-level "id"
  created_at,   // top-level "created_at"
  busybird,     // top-level "busybird" itself
  level,        // busybird.level
  acked_at,     // busybird.acked_at
};

place place_of(place container, std::string_view key) {
  if (container == place::top) {
    if (key == "id") return place::id;
    if (key == "created_at") return place::created_at;
    if (key == "busybird") return place::busybird;
  } else if (container == place::in_busybird) {
    if (key == "level") return place::level;
    if (key == "acked_at") return place::acked_at;
  }
  return place::other;
}

// One pass over the text with an explicit stack (no recursion: a hostile text may nest deeply; past
// max_depth the general path takes over).
class reader {
public:
  reader(std::string_view text, nlohmann::json& fields)
      : p_(text.data()), end_(text.data() + text.size()), fields_(fields) {}

  bool read() {
    fields_ = nlohmann::json::object();
    // Outside strings a JSON text is ASCII, so checking the whole text once checks every string
    // (escapes are ASCII too): cheaper than a check per string.
    if (!is_valid_utf8(std::string_view(p_, static_cast<std::size_t>(end_ - p_)))) return false;
    if (!at('{')) return false;
    ++p_;
    push(true, place::top);
    while (depth_ > 0) {
      auto& f = stack_[depth_ - 1];
      if (p_ == end_) return false;
      if (*p_ == (f.object ? '}' : ']')) {
        ++p_;
        --depth_;
        continue;
      }
      if (!f.first) {
        if (*p_ != ',') return false;
        ++p_;
      }
      f.first = false;
      place where = place::other;
      if (f.object) {
        std::string_view key;
        bool escaped = false;
        // A key with escapes is rare; the general path compares it decoded.
        if (!string(key, escaped) || escaped) return false;
        if (f.has_key && !(f.last_key < key)) return false;  // dump()'s order, no repeats
        f.last_key = key;
        f.has_key = true;
        if (!at(':')) return false;
        ++p_;
        where = place_of(f.where, key);
      }
      if (!value(where)) return false;
    }
    return p_ == end_;
  }

private:
  static constexpr int max_depth = 32;

  struct frame {
    bool object;
    bool first;    // no member or element yet
    bool has_key;  // last_key is set
    place where;
    std::string_view last_key;
  };

  bool at(char c) const { return p_ != end_ && *p_ == c; }

  bool push(bool object, place where) {
    if (depth_ == max_depth) return false;
    stack_[depth_++] = {object, true, false, where, {}};
    return true;
  }

  // One value at p_; a container is opened (its members follow in read()'s loop).
  bool value(place where) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        ++p_;
        if (where == place::busybird) {
          fields_["busybird"] = nlohmann::json::object();
          return push(true, place::in_busybird);
        }
        return where == place::other && push(true, place::other);
      case '[':
        ++p_;
        return where == place::other && push(false, place::other);
      case '"': {
        std::string_view text;
        bool escaped = false;
        if (!string(text, escaped)) return false;
        if (where == place::other) return true;
        if (escaped || where == place::busybird) return false;
        record(where, nlohmann::json(std::string(text)));
        return true;
      }
      case 't':
        return literal("true") && where == place::other;
      case 'f':
        return literal("false") && where == place::other;
      case 'n':
        return literal("null") && where == place::other;
      default:
        return integer(where);
    }
  }

  void record(place where, nlohmann::json value) {
    switch (where) {
      case place::id:
        fields_["id"] = std::move(value);
        break;
      case place::created_at:
        fields_["created_at"] = std::move(value);
        break;
      case place::level:
        fields_["busybird"]["level"] = std::move(value);
        break;
      case place::acked_at:
        fields_["busybird"]["acked_at"] = std::move(value);
        break;
      default:
        break;
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    p_ += word.size();
    return true;
  }

  // True when from_chars read a number up to p_ that fits its type.
  bool whole(std::from_chars_result r) const { return r.ec == std::errc() && r.ptr == p_; }

  // An integer as dump() writes it: no '+', no leading zeros, no "-0", in the range parse() keeps
  // as an integer; a fraction or exponent is a float (general path).
  bool integer(place where) {
    const char* const start = p_;
    const bool negative = at('-');
    if (negative) ++p_;
    const char* const digits = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    const auto count = p_ - digits;
    if (count == 0 || (digits[0] == '0' && (count > 1 || negative))) return false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    // parse() reads non-negative integers as unsigned, negative ones as signed.
    if (negative) {
      std::int64_t n = 0;
      if (!whole(std::from_chars(start, p_, n))) return false;  // out of range
      if (where == place::other) return true;
      if (where == place::busybird) return false;
      record(where, nlohmann::json(n));
    } else {
      std::uint64_t n = 0;
      if (!whole(std::from_chars(start, p_, n))) return false;
      if (where == place::other) return true;
      if (where == place::busybird) return false;
      record(where, nlohmann::json(n));
    }
    return true;
  }

  // A string at p_ with exactly dump()'s escapes; `text` is its raw contents between the quotes,
  // `escaped` whether it holds an escape.
  bool string(std::string_view& text, bool& escaped) {
    if (!at('"')) return false;
    const char* const start = ++p_;
    while (true) {
      while (end_ - p_ >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p_, 8);
        if (word_needs_escape(word)) break;
        p_ += 8;
      }
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return false;  // a raw control character: not JSON
      ++p_;
      if (c != '\\') continue;
      if (!escape()) return false;
      escaped = true;
    }
    text = std::string_view(start, static_cast<std::size_t>(p_ - start));
    ++p_;  // the closing quote
    return true;
  }

  // After a backslash: one of the escapes dump() writes for the character it stands for.
  bool escape() {
    if (p_ == end_) return false;
    const char kind = *p_++;
    if (kind == '"' || kind == '\\') return true;
    // dump() writes these five control characters in short form.
    if (kind != 'u') return kind == 'b' || kind == 'f' || kind == 'n' || kind == 'r' || kind == 't';
    // \u00XX with lowercase hex, only for a control character without a short form.
    if (end_ - p_ < 4 || p_[0] != '0' || p_[1] != '0') return false;
    const auto hex = [](char h) {
      if (h >= '0' && h <= '9') return h - '0';
      return h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
    };
    const int high = hex(p_[2]), low = hex(p_[3]);
    if (high < 0 || low < 0) return false;
    const int c = high * 16 + low;
    p_ += 4;
    return c < 0x20 && escape_table[c] == 'u';
  }

  const char* p_;
  const char* const end_;
  nlohmann::json& fields_;
  frame stack_[max_depth];
  int depth_ = 0;
};

}  // namespace

bool read_stored_form(std::string_view text, nlohmann::json& fields) {
  return reader(text, fields).read();
}

}  // namespace roost::detail
