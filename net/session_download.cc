// The `download_save` request: a consistent copy of the live save streamed to
// the client in chunks (docs/PROTOCOL.md, "Save download"). The copy is taken
// and read back by a worker off the I/O thread (net/download_worker.h); this
// side sends what the worker reads, one chunk in flight, and only while the
// outbox is at most half full, so a download never starves a watcher's deltas
// nor grows a slow reader's outbox past its limit.
#include <spdlog/spdlog.h>

#include "actors/atoms.h"
#include "actors/game_speed.h"
#include "actors/game_status.h"
#include "net/download_worker.h"
#include "net/session.h"

namespace hegemon::net {

struct DownloadStream {
  caf::actor worker;
  json id;  // the request's: every chunk names it
  int64_t bytes = 0;
  int64_t offset = 0;  // of the next chunk to ask for
  std::string sha256;
  bool reading = false;  // a chunk is on its way from the worker
  bool started = false;  // the copy is taken (the reply is sent)
};

void Session::download_save(const Request& r) {
  if (session_.download)
    return send(reply_error(r.id, errc::kRateLimited,
                            "a download is already under way on this connection; one at a time"));
  if (session_.role == Role::admin) return start_download(r.id);
  // A player: only if the server allows it, and only of a game that is not
  // running (a copy of a running game would show every nation's state).
  if (!ctx_->options.player_downloads)
    return send(reply_error(r.id, errc::kForbidden,
                            "only admins may download the save on this server "
                            "(`hegemon serve --player-downloads` lets players download a "
                            "paused or ended game)"));
  session_.download = std::make_shared<DownloadStream>();  // held while the game is asked
  auto id = r.id;
  auto* self = this;
  self_->request(ctx_->game, std::chrono::seconds(30), status_atom::value)
      .then(
          [self, id](GameStatus& s) {
            self->session_.download.reset();
            if (s.speed != kPausedSpeed && !s.finished)
              return self->send(reply_error(
                  id, errc::kForbidden,
                  "players may download the save only while the game is paused or ended"));
            self->start_download(id);
          },
          [self, id](caf::error& err) {
            self->session_.download.reset();
            self->send(reply_error(id, errc::kFailed, describe(err)));
          });
}

void Session::start_download(const json& id) {
  auto stream = std::make_shared<DownloadStream>();
  stream->id = id;
  stream->worker = spawn_download_worker(self_->home_system(), ctx_->save->path(),
                                         ctx_->options.max_download_bytes, self_->address());
  session_.download = stream;
  auto* self = this;
  auto fail = [self, stream](const std::string& why) {
    self->send(reply_error(stream->id, errc::kFailed, why));
    self->self_->send(stream->worker, dl_end_atom::value);
    if (self->session_.download == stream) self->session_.download.reset();
  };
  self_->request(stream->worker, std::chrono::minutes(5), dl_begin_atom::value)
      .then(
          [self, stream, fail](bool ok, std::string& sha_or_error, int64_t bytes, int64_t tick) {
            if (!ok) return fail(sha_or_error);
            stream->sha256 = std::move(sha_or_error);
            stream->bytes = bytes;
            stream->started = true;
            spdlog::info("gateway: client {} ({}) downloads the save: {} bytes at tick {}",
                         self->id_, self->peer(), bytes, tick);
            self->audit("save_downloaded", {{"tick", tick}, {"bytes", bytes}});
            self->send(reply_result(
                stream->id,
                {{"bytes", bytes}, {"tick", tick}, {"chunk_bytes", kDownloadChunkBytes}}));
            self->pump_download();
          },
          [fail](caf::error& err) { fail(describe(err)); });
}

// Frames of a download are written as they are, not charged to the request
// budget (net/request_budget.h) as replies are: their pace is the outbox's.
void Session::pump_download() {
  auto stream = session_.download;
  if (!stream || !stream->started || stream->reading || session_.closed) return;
  if (session_.outbox > outbox_limit() / 2) return;  // on_transferred calls again
  auto write = [this](const json& doc) {
    send_frame(transport_->encode(encode_payload(doc, session_.encoding), session_.encoding));
  };
  if (stream->offset >= stream->bytes) {
    write({{"push", "save_end"},
           {"id", stream->id},
           {"bytes", stream->bytes},
           {"sha256", stream->sha256}});
    self_->send(stream->worker, dl_end_atom::value);
    session_.download.reset();
    return;
  }
  const auto length =
      static_cast<int32_t>(std::min<int64_t>(kDownloadChunkBytes, stream->bytes - stream->offset));
  stream->reading = true;
  auto* self = this;
  self_
      ->request(stream->worker, std::chrono::seconds(30), dl_chunk_atom::value, stream->offset,
                length)
      .then(
          [self, stream, write](bool ok, std::string& bytes) {
            stream->reading = false;
            if (self->session_.download != stream) return;
            if (!ok) return self->download_failed(bytes);
            write({{"push", "save_chunk"},
                   {"id", stream->id},
                   {"offset", stream->offset},
                   {"data", base64_encode(bytes)}});
            stream->offset += static_cast<int64_t>(bytes.size());
            // The client reads (the outbox drained for this chunk to go): a
            // long download of a large save is not an idle connection.
            self->session_.last_activity = Clock::now();
            self->pump_download();
          },
          [self, stream](caf::error& err) {
            stream->reading = false;
            if (self->session_.download != stream) return;
            self->download_failed(describe(err));
          });
}

// After the reply: the client is told in a push of the same request id.
void Session::download_failed(const std::string& why) {
  auto stream = session_.download;
  if (!stream) return;
  spdlog::warn("gateway: client {} ({}): download failed: {}", id_, peer(), why);
  send_frame(transport_->encode(
      encode_payload({{"push", "save_error"}, {"id", stream->id}, {"message", why}},
                     session_.encoding),
      session_.encoding));
  self_->send(stream->worker, dl_end_atom::value);
  session_.download.reset();
}

}  // namespace hegemon::net
