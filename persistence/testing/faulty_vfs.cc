#include "persistence/testing/faulty_vfs.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace hegemon::test {
namespace {

// ---- the armed faults and the counters, behind one mutex ------------------

struct Armed {
  VfsFault fault;
  int64_t seen = 0;    // matching calls since it was armed
  bool spent = false;  // a one-off fault that fired
};

std::mutex g_mutex;
std::vector<Armed> g_armed;
VfsCounts g_counts;
sqlite3_vfs* g_real = nullptr;  // the default VFS we wrap

int sqlite_code(VfsError error) {
  switch (error) {
    case VfsError::full: return SQLITE_FULL;
    case VfsError::ioerr_write: return SQLITE_IOERR_WRITE;
    case VfsError::ioerr_fsync: return SQLITE_IOERR_FSYNC;
    case VfsError::cantopen: return SQLITE_CANTOPEN;
  }
  return SQLITE_IOERR;
}

// Counts a call and says whether it must fail (and with what code): the first
// matching armed fault whose turn it is.
int decide(VfsOp op, unsigned file) {
  std::lock_guard<std::mutex> lock(g_mutex);
  switch (op) {
    case VfsOp::open: ++g_counts.opens; break;
    case VfsOp::write: ++g_counts.writes; break;
    case VfsOp::sync: ++g_counts.syncs; break;
    case VfsOp::truncate: ++g_counts.truncates; break;
  }
  int code = SQLITE_OK;
  for (Armed& a : g_armed) {
    if (a.spent || a.fault.op != op || (a.fault.files & file) == 0) continue;
    ++a.seen;
    const bool fires = a.seen == a.fault.nth || (a.fault.sticky && a.seen > a.fault.nth);
    if (!fires || code != SQLITE_OK) continue;
    code = sqlite_code(a.fault.error);
    if (!a.fault.sticky) a.spent = true;
  }
  if (code != SQLITE_OK) ++g_counts.faults;
  return code;
}

// What SQLite asks the OS's last error (xGetLastError) after an injected
// fault: the errno a real disk would have left.
int injected(int code) {
  errno = (code & 0xff) == SQLITE_FULL ? ENOSPC : (code & 0xff) == SQLITE_CANTOPEN ? EACCES : EIO;
  return code;
}

unsigned kind_of(int flags) {
  if (flags & SQLITE_OPEN_MAIN_DB) return kMainDbFile;
  if (flags & SQLITE_OPEN_WAL) return kWalFile;
  if (flags & SQLITE_OPEN_MAIN_JOURNAL) return kJournalFile;
  return kOtherFile;
}

// ---- files: ours in front, the real VFS's file right behind it --------------

struct FaultyFile {
  sqlite3_file base;  // base.pMethods is kMethods (or null: open failed)
  unsigned kind;
};
constexpr size_t kHeader = (sizeof(FaultyFile) + 15) & ~size_t{15};

FaultyFile* ours(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f); }
sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kHeader);
}
const sqlite3_io_methods* real_methods(sqlite3_file* f) { return real(f)->pMethods; }

int x_close(sqlite3_file* f) { return real_methods(f)->xClose(real(f)); }
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 offset) {
  return real_methods(f)->xRead(real(f), buf, n, offset);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 offset) {
  if (const int code = decide(VfsOp::write, ours(f)->kind)) return injected(code);
  return real_methods(f)->xWrite(real(f), buf, n, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int code = decide(VfsOp::truncate, ours(f)->kind)) return injected(code);
  return real_methods(f)->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (const int code = decide(VfsOp::sync, ours(f)->kind)) return injected(code);
  return real_methods(f)->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_methods(f)->xFileSize(real(f), size);
}
int x_lock(sqlite3_file* f, int level) { return real_methods(f)->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_methods(f)->xUnlock(real(f), level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real_methods(f)->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_methods(f)->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_methods(f)->xSectorSize(real(f)); }
int x_device_characteristics(sqlite3_file* f) {
  return real_methods(f)->xDeviceCharacteristics(real(f));
}
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
  if (real_methods(f)->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return real_methods(f)->xShmMap(real(f), page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  if (real_methods(f)->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return real_methods(f)->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  if (real_methods(f)->iVersion >= 2) real_methods(f)->xShmBarrier(real(f));
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  if (real_methods(f)->iVersion < 2) return SQLITE_OK;
  return real_methods(f)->xShmUnmap(real(f), delete_flag);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  if (real_methods(f)->iVersion < 3) {
    *out = nullptr;  // no memory mapping: SQLite reads instead
    return SQLITE_OK;
  }
  return real_methods(f)->xFetch(real(f), offset, n, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  if (real_methods(f)->iVersion < 3) return SQLITE_OK;
  return real_methods(f)->xUnfetch(real(f), offset, p);
}

// Version 3, in sqlite3_io_methods' order; the shm and fetch calls check the
// real file's version.
const sqlite3_io_methods kMethods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

// ---- the VFS ----------------------------------------------------------------

int v_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  FaultyFile* file = ours(f);
  file->base.pMethods = nullptr;  // SQLite calls xClose only on a non-null pMethods
  file->kind = kind_of(flags);
  if (const int code = decide(VfsOp::open, file->kind)) return injected(code);
  sqlite3_file* inner = real(f);
  inner->pMethods = nullptr;
  const int rc = g_real->xOpen(g_real, name, inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (inner->pMethods != nullptr) inner->pMethods->xClose(inner);
    return rc;
  }
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void v_dl_error(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*v_dl_sym(sqlite3_vfs*, void* lib, const char* sym))(void) {
  return g_real->xDlSym(g_real, lib, sym);
}
void v_dl_close(sqlite3_vfs*, void* lib) { g_real->xDlClose(g_real, lib); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int v_sleep(sqlite3_vfs*, int micros) { return g_real->xSleep(g_real, micros); }
int v_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError(g_real, n, out);
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}
int v_set_system_call(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return g_real->xSetSystemCall(g_real, name, p);
}
sqlite3_syscall_ptr v_get_system_call(sqlite3_vfs*, const char* name) {
  return g_real->xGetSystemCall(g_real, name);
}
const char* v_next_system_call(sqlite3_vfs*, const char* name) {
  return g_real->xNextSystemCall(g_real, name);
}

sqlite3_vfs g_vfs;

void register_vfs() {
  g_real = sqlite3_vfs_find(nullptr);
  if (g_real == nullptr) throw std::runtime_error("faulty VFS: SQLite has no default VFS");
  if (g_real->iVersion < 3) throw std::runtime_error("faulty VFS: the default VFS is too old");
  g_vfs = sqlite3_vfs{};
  g_vfs.iVersion = 3;
  g_vfs.szOsFile = static_cast<int>(kHeader) + g_real->szOsFile;
  g_vfs.mxPathname = g_real->mxPathname;
  g_vfs.zName = FaultyVfs::kName;
  g_vfs.xOpen = v_open;
  g_vfs.xDelete = v_delete;
  g_vfs.xAccess = v_access;
  g_vfs.xFullPathname = v_full_pathname;
  g_vfs.xDlOpen = v_dl_open;
  g_vfs.xDlError = v_dl_error;
  g_vfs.xDlSym = v_dl_sym;
  g_vfs.xDlClose = v_dl_close;
  g_vfs.xRandomness = v_randomness;
  g_vfs.xSleep = v_sleep;
  g_vfs.xCurrentTime = v_current_time;
  g_vfs.xGetLastError = v_get_last_error;
  g_vfs.xCurrentTimeInt64 = v_current_time_int64;
  g_vfs.xSetSystemCall = v_set_system_call;
  g_vfs.xGetSystemCall = v_get_system_call;
  g_vfs.xNextSystemCall = v_next_system_call;
  if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK)
    throw std::runtime_error("faulty VFS: sqlite3_vfs_register failed");
}

}  // namespace

FaultyVfs& FaultyVfs::instance() {
  static FaultyVfs vfs;
  static std::once_flag registered;
  std::call_once(registered, register_vfs);
  return vfs;
}

void FaultyVfs::arm(const VfsFault& fault) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_armed.push_back(Armed{fault});
}

void FaultyVfs::clear() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_armed.clear();
}

VfsCounts FaultyVfs::counts() const {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_counts;
}

}  // namespace hegemon::test
