#include "sql/engine.h"

#include <sys/utsname.h>

#include "common/logging.h"
#include "sql/session.h"

namespace dynasink::sql {

std::string DefaultVersionString() {
  struct utsname u;
  std::string machine = uname(&u) == 0 ? std::string(u.machine) : std::string("unknown");
  return "PostgreSQL 13.14.0-RisingWave-compatible dynasink 0.1.0 (" + machine + "-linux)";
}

Engine::Engine(storage::Storage* storage, catalog::Catalog* catalog, EngineOptions options)
    : storage_(storage), catalog_(catalog), options_(std::move(options)) {
  if (options_.version_string.empty()) options_.version_string = DefaultVersionString();
  RegisterBuiltinStatements(&statements_);
}

Engine::~Engine() = default;

void Engine::SetFlushHook(FlushHook hook) {
  auto next = hook ? std::make_shared<FlushHook>(std::move(hook)) : nullptr;
  std::lock_guard<std::mutex> lock(hook_mu_);
  flush_hook_ = std::move(next);
}

Status Engine::Flush(const FlushRequest& request) {
  std::shared_ptr<FlushHook> hook;
  {
    std::lock_guard<std::mutex> lock(hook_mu_);
    hook = flush_hook_;
  }
  if (request.cancel != nullptr) DS_RETURN_IF_ERROR(request.cancel->Check());
  if (hook == nullptr) return Status::OK();  // nothing to wait for: statements are durable
  return (*hook)(request);
}

Result<std::unique_ptr<Session>> Engine::NewSession(SessionInfo info, SessionListener* listener) {
  std::unique_ptr<Session> session(new Session(this, std::move(info), listener));
  DS_RETURN_IF_ERROR(session->ApplyStartupParameters());
  return session;
}

}  // namespace dynasink::sql
