// Identifier and time types shared by every layer.
#pragma once

#include <cstdint>

namespace hegemon {

using ProvinceId = int32_t;  // 1..provinces, dense
using NationId = int32_t;    // 1..nations, dense; 0 means "nobody"
using ArmyId = int32_t;      // allocated from GameMeta::next_army_id, never reused
using WarId = int32_t;       // allocated from GameMeta::next_war_id, never reused
using Tick = int64_t;        // one tick is one game day; tick 0 is the start date

constexpr NationId kNoNation = 0;

}  // namespace hegemon
