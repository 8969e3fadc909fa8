#include "stored_form.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <system_error>

#include "json_escape.hpp"
#include "storage/utf8.hpp"

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

// The tokens of the stored form, read at p_. Each returns false when the text is not exactly
// what dump() writes there.
class token_scanner {
protected:
  // The deepest nesting the readers follow (their stacks are fixed arrays); deeper texts
  // take the general path.
  static constexpr int max_depth = 32;

  // The value of a lowercase hex digit (dump()'s \u00XX escapes), -1 for anything else.
  static int hex_digit(char h) {
    if (h >= '0' && h <= '9') return h - '0';
    return h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
  }

  explicit token_scanner(std::string_view text)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  // Outside strings a JSON text is ASCII, so checking the whole text once checks every string
  // (escapes are ASCII too): cheaper than a check per string.
  bool valid_utf8() const {
    return is_valid_utf8(std::string_view(begin_, static_cast<std::size_t>(end_ - begin_)));
  }

  bool at(char c) const { return p_ != end_ && *p_ == c; }

  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

  // What follows inside an open container: its closing bracket (consumed), or one more
  // member or element (the comma before it consumed).
  enum class next { closed, item, bad };

  // `first`: nothing read in the container yet; cleared when an item follows. The position
  // of a consumed closing bracket is offset() - 1.
  next next_in(bool object, bool& first) {
    if (p_ == end_) return next::bad;
    if (*p_ == (object ? '}' : ']')) {
      ++p_;
      return next::closed;
    }
    if (!first) {
      if (*p_ != ',') return next::bad;
      ++p_;
    }
    first = false;
    return next::item;
  }

  // A member's key and its colon. dump() writes the keys of an object in ascending byte
  // order, once each: `last` is the object's previous key (empty optional: none yet). A key
  // with escapes is rare and left to the general path, which compares keys decoded.
  bool member_key(std::optional<std::string_view>& last, std::string_view& key) {
    bool escaped = false;
    if (!string(key, escaped) || escaped) return false;
    if (last && !(*last < key)) return false;
    last = key;
    if (!at(':')) return false;
    ++p_;
    return true;
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
  // as an integer, as parse() would type it (negative: signed, otherwise unsigned). False for
  // anything else; a fraction or exponent is a float, left to the general path.
  bool number(nlohmann::json& value) {
    const char* const start = p_;
    const bool negative = at('-');
    if (negative) ++p_;
    const char* const digits = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    const auto count = p_ - digits;
    if (count == 0 || (digits[0] == '0' && (count > 1 || negative))) return false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (negative) {
      std::int64_t n = 0;
      if (!whole(std::from_chars(start, p_, n))) return false;  // out of range
      value = n;
    } else {
      std::uint64_t n = 0;
      if (!whole(std::from_chars(start, p_, n))) return false;
      value = n;
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
    const int high = hex_digit(p_[2]), low = hex_digit(p_[3]);
    if (high < 0 || low < 0) return false;
    const int c = high * 16 + low;
    p_ += 4;
    return c < 0x20 && escape_table[c] == 'u';
  }

  const char* const begin_;
  const char* p_;
  const char* const end_;
};

// One pass over the text with an explicit stack (no recursion: a hostile text may nest deeply; past
// max_depth the general path takes over).
class reader : token_scanner {
public:
  /// Where busybird.acked_at is, or where it would go, as offsets into the text; npos when
  /// not found. An insertion point is the opening quote of the first member whose key sorts
  /// after the one to insert, or the object's closing brace when none does.
  struct acked_at_spots {
    static constexpr std::size_t npos = std::string_view::npos;
    std::size_t top_insert = npos;  // where "busybird" goes in the top-level object
    bool top_empty = true;
    bool has_busybird = false;
    std::size_t busybird_insert = npos;  // where "acked_at" goes in busybird's object
    bool busybird_empty = true;
    std::size_t acked_at_begin = npos, acked_at_end = npos;  // the value's span, quotes included
  };

  reader(std::string_view text, nlohmann::json& fields, acked_at_spots* spots = nullptr)
      : token_scanner(text), fields_(fields), spots_(spots) {}

  bool read() {
    fields_ = nlohmann::json::object();
    if (!valid_utf8() || !at('{')) return false;
    ++p_;
    push(true, place::top);
    while (depth_ > 0) {
      auto& f = stack_[depth_ - 1];
      const bool empty = f.first;
      const auto step = next_in(f.object, f.first);
      if (step == next::bad) return false;
      if (step == next::closed) {
        if (spots_) note_close(f.where, empty);
        --depth_;
        continue;
      }
      place where = place::other;
      if (f.object) {
        std::string_view key;
        const std::size_t key_at = offset();
        if (!member_key(f.last_key, key)) return false;
        if (spots_) note_key(f.where, key, key_at);
        where = place_of(f.where, key);
      }
      if (!value(where)) return false;
    }
    return p_ == end_;
  }

private:
  struct frame {
    bool object;
    bool first;  // no member or element yet
    place where;
    std::optional<std::string_view> last_key;
  };

  bool push(bool object, place where) {
    if (depth_ == max_depth) return false;
    stack_[depth_++] = {object, true, where, {}};
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
          if (spots_) spots_->has_busybird = true;
          return push(true, place::in_busybird);
        }
        return where == place::other && push(true, place::other);
      case '[': ++p_; return where == place::other && push(false, place::other);
      case '"': {
        std::string_view text;
        bool escaped = false;
        const std::size_t value_at = offset();
        if (!string(text, escaped)) return false;
        if (where == place::other) return true;
        if (escaped || where == place::busybird) return false;
        record(where, nlohmann::json(std::string(text)));
        if (spots_ && where == place::acked_at) {
          spots_->acked_at_begin = value_at;
          spots_->acked_at_end = offset();
        }
        return true;
      }
      case 't': return literal("true") && where == place::other;
      case 'f': return literal("false") && where == place::other;
      case 'n': return literal("null") && where == place::other;
      default: {
        nlohmann::json n;
        const std::size_t value_at = offset();
        if (!number(n)) return false;
        if (where == place::other) return true;
        if (where == place::busybird) return false;
        record(where, std::move(n));
        // An acked_at that is not a string (not a time, so the status counts as unacked)
        // is still where an ack writes its time: replaced, never written a second time.
        if (spots_ && where == place::acked_at) {
          spots_->acked_at_begin = value_at;
          spots_->acked_at_end = offset();
        }
        return true;
      }
    }
  }

  // The first key of the top-level (busybird's) object sorting after "busybird"
  // ("acked_at") is where that member would be inserted.
  void note_key(place container, std::string_view key, std::size_t key_at) {
    if (container == place::top && spots_->top_insert == acked_at_spots::npos &&
        std::string_view("busybird") < key)
      spots_->top_insert = key_at;
    if (container == place::in_busybird && spots_->busybird_insert == acked_at_spots::npos &&
        std::string_view("acked_at") < key)
      spots_->busybird_insert = key_at;
  }

  // After an object's closing brace: the insertion point when no key sorted after.
  void note_close(place container, bool empty) {
    const std::size_t brace = offset() - 1;
    if (container == place::top) {
      if (spots_->top_insert == acked_at_spots::npos) spots_->top_insert = brace;
      spots_->top_empty = empty;
    } else if (container == place::in_busybird) {
      if (spots_->busybird_insert == acked_at_spots::npos) spots_->busybird_insert = brace;
      spots_->busybird_empty = empty;
    }
  }

  void record(place where, nlohmann::json value) {
    switch (where) {
      case place::id: fields_["id"] = std::move(value); break;
      case place::created_at: fields_["created_at"] = std::move(value); break;
      case place::level: fields_["busybird"]["level"] = std::move(value); break;
      case place::acked_at: fields_["busybird"]["acked_at"] = std::move(value); break;
      default: break;
    }
  }

  nlohmann::json& fields_;
  acked_at_spots* const spots_;
  frame stack_[max_depth];
  int depth_ = 0;
};

// Builds the JSON tree of a text in stored form exactly as parse() would, without parse()'s
// character-at-a-time lexer: runs of plain characters are copied at once, and since keys
// arrive in the map's own order each member is appended at the end of its object.
class builder : token_scanner {
public:
  explicit builder(std::string_view text) : token_scanner(text) {}

  bool build(nlohmann::json& out) {
    if (!valid_utf8() || !at('{')) return false;
    ++p_;
    out = nlohmann::json::object();
    push(out, true);
    while (depth_ > 0) {
      auto& f = stack_[depth_ - 1];
      const auto step = next_in(f.object, f.first);
      if (step == next::bad) return false;
      if (step == next::closed) {
        --depth_;
        continue;
      }
      nlohmann::json* slot = nullptr;
      if (f.object) {
        std::string_view key;
        if (!member_key(f.last_key, key)) return false;
        auto& members = f.container->get_ref<nlohmann::json::object_t&>();
        slot = &members.emplace_hint(members.end(), std::string(key), nullptr)->second;
      } else {
        // Growing the array moves its elements: none of them is an open container now.
        slot = &f.container->get_ref<nlohmann::json::array_t&>().emplace_back();
      }
      if (!value(*slot)) return false;
    }
    return p_ == end_;
  }

private:
  struct frame {
    nlohmann::json* container;
    bool object;
    bool first;  // no member or element yet
    std::optional<std::string_view> last_key;
  };

  bool push(nlohmann::json& container, bool object) {
    if (depth_ == max_depth) return false;
    stack_[depth_++] = {&container, object, true, {}};
    return true;
  }

  bool value(nlohmann::json& slot) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        ++p_;
        slot = nlohmann::json::object();
        return push(slot, true);
      case '[':
        ++p_;
        slot = nlohmann::json::array();
        return push(slot, false);
      case '"': {
        std::string_view text;
        bool escaped = false;
        if (!string(text, escaped)) return false;
        slot = escaped ? unescape(text) : std::string(text);
        return true;
      }
      case 't': slot = true; return literal("true");
      case 'f': slot = false; return literal("false");
      case 'n': slot = nullptr; return literal("null");
      default: return number(slot);
    }
  }

  // The characters of a string whose escapes string() accepted (dump()'s only).
  static std::string unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\') {
        out.push_back(raw[i]);
        continue;
      }
      switch (raw[++i]) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {  // \u00XX, lowercase hex
          out.push_back(static_cast<char>(hex_digit(raw[i + 3]) * 16 + hex_digit(raw[i + 4])));
          i += 4;
          break;
        }
        default: out.push_back(raw[i]); break;  // '"' or '\\'
      }
    }
    return out;
  }

  frame stack_[max_depth];
  int depth_ = 0;
};

}  // namespace

bool read_stored_form(std::string_view text, nlohmann::json& fields) {
  return reader(text, fields).read();
}

bool build_stored_form(std::string_view text, nlohmann::json& out) {
  return builder(text).build(out);
}

nlohmann::json parse_stored_text(std::string_view text) {
  nlohmann::json out;
  if (build_stored_form(text, out)) return out;
  return nlohmann::json::parse(text);
}

bool set_acked_at_in_stored_form(std::string_view text, std::string_view acked_at,
                                 std::string& out) {
  nlohmann::json fields;
  reader::acked_at_spots at;
  if (!reader(text, fields, &at).read()) return false;
  const std::string value = nlohmann::json(acked_at).dump();
  out.clear();
  out.reserve(text.size() + value.size() + 24);
  // Inserts `member` at `where` (a key or the closing brace) of an object.
  const auto insert = [&](std::size_t where, bool empty, const std::string& member) {
    out.append(text.substr(0, where));
    if (text[where] == '}') {
      if (!empty) out.push_back(',');
      out.append(member);
    } else {
      out.append(member);
      out.push_back(',');
    }
    out.append(text.substr(where));
  };
  if (at.acked_at_begin != reader::acked_at_spots::npos) {
    out.append(text.substr(0, at.acked_at_begin));
    out.append(value);
    out.append(text.substr(at.acked_at_end));
  } else if (at.has_busybird) {
    insert(at.busybird_insert, at.busybird_empty, "\"acked_at\":" + value);
  } else {
    insert(at.top_insert, at.top_empty, "\"busybird\":{\"acked_at\":" + value + "}");
  }
  return true;
}

}  // namespace roost::detail
