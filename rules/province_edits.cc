#include "rules/province_edits.h"

namespace hegemon {

Province ProvinceEdits::get(ProvinceId id) const {
  auto it = edits_.find(id);
  if (it != edits_.end()) return it->second;
  return world_.province(id).value_or(Province{id});
}

std::vector<Province> ProvinceEdits::changed() const {
  std::vector<Province> out;
  for (const auto& [id, p] : edits_) {
    if (world_.province(id) != p) out.push_back(p);
  }
  return out;
}

}  // namespace hegemon
