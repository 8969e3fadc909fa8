#include "records.hpp"

#include "lmdb_errors.hpp"
#include "storage/changes.hpp"

namespace roost::detail::lmdb_format {
namespace {

// Reads fixed and length-prefixed fields from a value, throwing when it runs short.
class reader {
public:
  reader(std::string_view bytes, const char* what) : bytes_(bytes), what_(what) {}

  std::string_view take(std::size_t n) {
    if (bytes_.size() - pos_ < n) throw corrupt_record(std::string(what_) + " is truncated");
    const auto out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint32_t u32() { return read_u32(take(4).data()); }
  std::uint64_t u64() { return read_u64(take(8).data()); }
  std::string_view sized() { return take(u32()); }
  std::string_view rest() { return take(bytes_.size() - pos_); }

private:
  std::string_view bytes_;
  const char* what_;
  std::size_t pos_ = 0;
};

void append_sized(std::string& out, std::string_view bytes) {
  append_u32(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

}  // namespace

// Layout: [number u32][revision u64][size u64][name ...]
std::string encode_timeline_record(const timeline_record& r) {
  std::string out;
  out.reserve(20 + r.name.size());
  append_u32(out, r.number);
  append_u64(out, r.revision);
  append_u64(out, r.size);
  out.append(r.name);
  return out;
}

timeline_record decode_timeline_record(std::string_view value) {
  reader in(value, "timeline record");
  timeline_record r;
  r.number = in.u32();
  r.revision = in.u64();
  r.size = in.u64();
  r.name = in.rest();
  return r;
}

std::string_view timeline_record_name(std::string_view value) {
  reader in(value, "timeline record");
  in.take(20);
  return in.rest();
}

// Layout: [level u64][order probe u8][order key: u32 size, bytes][id: u32 size, bytes]
//         [json ...]
// Format 3: before the JSON of a status logged by reference; JSON text never starts so.
constexpr char change_rev_tag = '\x01';
// Format 3: the op byte of a change logged by reference.
constexpr std::uint8_t by_reference_bit = 0x80;

std::string encode_status_record(std::int64_t level, std::uint8_t order_probe,
                                 std::string_view order_key, std::string_view id,
                                 std::string_view json, std::uint64_t change_rev) {
  std::string out;
  out.reserve(26 + order_key.size() + id.size() + json.size());
  append_u64(out, static_cast<std::uint64_t>(level));
  out.push_back(static_cast<char>(order_probe));
  append_sized(out, order_key);
  append_sized(out, id);
  if (change_rev != 0) {
    out.push_back(change_rev_tag);
    append_u64(out, change_rev);
  }
  out.append(json);
  return out;
}

status_record_view decode_status_record(std::string_view value) {
  reader in(value, "status record");
  status_record_view r;
  r.level = static_cast<std::int64_t>(in.u64());
  r.order_probe = in.u8();
  r.order_key = in.sized();
  r.id = in.sized();
  r.json = in.rest();
  if (!r.json.empty() && r.json.front() == change_rev_tag) {
    reader tail(r.json.substr(1), "status record");
    r.change_rev = tail.u64();
    r.json = tail.rest();
  }
  return r;
}

// Layout: [level u64][status key suffix ...]
std::string encode_order_value(std::int64_t level, std::string_view status_key_suffix) {
  std::string out;
  out.reserve(8 + status_key_suffix.size());
  append_u64(out, static_cast<std::uint64_t>(level));
  out.append(status_key_suffix);
  return out;
}

order_value_view decode_order_value(std::string_view value) {
  reader in(value, "order entry");
  order_value_view r;
  r.level = static_cast<std::int64_t>(in.u64());
  r.status_key_suffix = in.rest();
  if (r.status_key_suffix.empty()) throw corrupt_record("order entry has no status key");
  return r;
}

// Layout: [op u8][id: u32 size, bytes][text ...]
std::string encode_change_record(std::uint8_t op, std::string_view id, std::string_view text,
                                 bool by_reference) {
  std::string out;
  out.reserve(5 + id.size() + text.size());
  out.push_back(static_cast<char>(by_reference ? op | by_reference_bit : op));
  append_sized(out, id);
  out.append(text);
  return out;
}

change_record_view decode_change_record(std::string_view value) {
  reader in(value, "change record");
  change_record_view r;
  r.op = in.u8();
  r.by_reference = (r.op & by_reference_bit) != 0;
  r.op &= static_cast<std::uint8_t>(~by_reference_bit);
  if (r.by_reference && r.op != static_cast<std::uint8_t>(change_op::insert) &&
      r.op != static_cast<std::uint8_t>(change_op::update))
    throw corrupt_record("change record refers to a status but is no insert or update");
  if (r.op < static_cast<std::uint8_t>(change_op::insert) ||
      r.op > static_cast<std::uint8_t>(change_op::remove))
    throw corrupt_record("change record has an unknown op");
  r.id = in.sized();
  r.text = in.rest();
  return r;
}

std::string encode_setting_record(std::uint64_t version, const std::string* value) {
  std::string out;
  out.reserve(9 + (value ? value->size() : 0));
  append_u64(out, version);
  out += value ? '\x01' : '\x00';
  if (value) out += *value;
  return out;
}

setting_record_view decode_setting_record(std::string_view value) {
  reader r(value, "a setting record");
  setting_record_view v;
  v.version = r.u64();
  const auto present = r.u8();
  if (present > 1) throw corrupt_record("a setting record has an invalid presence byte");
  v.present = present == 1;
  v.value = r.rest();
  if (!v.present && !v.value.empty())
    throw corrupt_record("a removed setting's record holds a value");
  return v;
}

}  // namespace roost::detail::lmdb_format
