#include "aws/credentials_process.h"

#include "aws/credentials_json.h"
#include "aws/iso8601.h"
#include "aws/subprocess.h"
#include "common/redact.h"

namespace dynasink::aws {
namespace {

// The first non-empty line of `text`, shortened, with secrets masked.
std::string FirstLine(std::string_view text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r' || text.front() == ' ')) {
    text.remove_prefix(1);
  }
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > 200) line = line.substr(0, 200);
  return Redact(line);
}

}  // namespace

ProcessCredentialsProvider::ProcessCredentialsProvider(std::string command,
                                                       std::string profile_name,
                                                       RefreshOptions refresh,
                                                       std::chrono::milliseconds timeout)
    : command_(std::move(command)),
      profile_(std::move(profile_name)),
      timeout_(timeout),
      cache_(refresh) {}

Result<Credentials> ProcessCredentialsProvider::GetCredentials() {
  return cache_.Get([this] { return Fetch(); }, Name());
}

Result<Credentials> ProcessCredentialsProvider::Fetch() {
  const std::string where = "credential_process of profile '" + profile_ + "'";
  Result<SubprocessResult> run = RunShellCommand(command_, timeout_);
  if (!run.ok()) return run.status().WithContext(where);
  const SubprocessResult& r = *run;
  if (r.timed_out) {
    return Status::Timeout(where + " did not finish within " + std::to_string(timeout_.count()) +
                           " ms and was killed");
  }
  if (r.output_too_large) return Status::InvalidArgument(where + " wrote too much output");
  if (r.exit_code != 0) {
    std::string why = r.exit_code >= 0 ? "exited with status " + std::to_string(r.exit_code)
                                       : "was killed by signal " + std::to_string(r.term_signal);
    std::string line = FirstLine(r.err);
    return Status::Unavailable(where + " " + why + (line.empty() ? "" : ": " + line));
  }
  DS_ASSIGN_OR_RETURN(Credentials creds,
                      ParseCredentialsJson(r.out, CredentialsJsonFormat::kProcess, where));
  if (creds.ExpiresWithin(std::chrono::seconds(0))) {
    return Status::PermissionDenied(where + " returned credentials that expired at " +
                                    FormatIso8601(*creds.expiration));
  }
  return creds;
}

}  // namespace dynasink::aws
