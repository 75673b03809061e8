// A prototype, for the benchmark only: what a province read could cost if the
// cache kept dense entities (provinces and nations have ids 1..N, never
// removed) in an array with one sequence lock per slot instead of a libcuckoo
// map. A reader takes no lock and writes no shared memory: it reads the
// sequence number, copies the entity, and retries if a write overlapped.
// The single writer (the coordinator) bumps the sequence around each write.
// Entities are copied as relaxed atomic words, so a racing read is not a data
// race in the C++ sense (Boehm, "Can seqlocks get along with programming
// language memory models?", 2012); on x86-64 every access is a plain mov.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>

namespace hegemon::bench {

template <class T>
class SeqlockTable {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) % sizeof(uint64_t) == 0,
                "entities are copied as whole 64-bit words");
  static constexpr size_t kWords = sizeof(T) / sizeof(uint64_t);

 public:
  explicit SeqlockTable(int32_t size) : size_(size), slots_(new Slot[static_cast<size_t>(size)]) {}

  // Writer only (one thread).
  void put(int32_t id, const T& value) {
    Slot& s = slots_[static_cast<size_t>(id - 1)];
    const uint32_t seq = s.seq.load(std::memory_order_relaxed);
    s.seq.store(seq + 1, std::memory_order_relaxed);  // odd: write in progress
    std::atomic_thread_fence(std::memory_order_release);
    uint64_t words[kWords];
    std::memcpy(words, &value, sizeof(T));
    for (size_t i = 0; i < kWords; ++i) s.words[i].store(words[i], std::memory_order_relaxed);
    s.seq.store(seq + 2, std::memory_order_release);
  }

  // Any thread.
  std::optional<T> get(int32_t id) const {
    if (id < 1 || id > size_) return std::nullopt;
    const Slot& s = slots_[static_cast<size_t>(id - 1)];
    uint64_t words[kWords];
    for (;;) {
      const uint32_t before = s.seq.load(std::memory_order_acquire);
      for (size_t i = 0; i < kWords; ++i) words[i] = s.words[i].load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((before & 1) == 0 && s.seq.load(std::memory_order_relaxed) == before) break;
    }
    T value;
    std::memcpy(&value, words, sizeof(T));
    return value;
  }

 private:
  struct Slot {
    std::atomic<uint32_t> seq{0};
    std::array<std::atomic<uint64_t>, kWords> words{};
  };
  int32_t size_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace hegemon::bench
