#include "aws/credentials_profile.h"

#include <algorithm>
#include <charconv>

#include "aws/credentials_assume_role.h"
#include "aws/credentials_env.h"
#include "aws/credentials_process.h"
#include "aws/credentials_static.h"
#include "aws/credentials_web_identity.h"

namespace dynasink::aws {
namespace {

std::string Files(const ProfileSet& set) {
  return set.paths.config + " or " + set.paths.credentials;
}

std::string Quoted(const std::string& name) {
  return "profile '" + name + "'";
}

Result<std::shared_ptr<CredentialsProvider>> StaticFromProfile(const Profile& p,
                                                               const ProfileSet& set) {
  std::optional<std::string> id = p.Get("aws_access_key_id");
  std::optional<std::string> secret = p.Get("aws_secret_access_key");
  if (!id || !secret) {
    return Status::InvalidArgument(Quoted(p.name) + " in " + Files(set) + " sets " +
                                   (id ? "aws_access_key_id but not aws_secret_access_key"
                                       : "aws_secret_access_key but not aws_access_key_id"));
  }
  Credentials creds;
  creds.access_key_id = *id;
  creds.secret_access_key = *secret;
  creds.session_token =
      p.Get("aws_session_token").value_or(p.Get("aws_security_token").value_or(""));
  return std::shared_ptr<CredentialsProvider>(
      std::make_shared<StaticCredentialsProvider>(std::move(creds), Quoted(p.name)));
}

Result<std::chrono::seconds> DurationSeconds(const Profile& p) {
  std::optional<std::string> text = p.Get("duration_seconds");
  if (!text) return std::chrono::seconds(3600);
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Status::InvalidArgument(Quoted(p.name) + ": duration_seconds '" + *text +
                                   "' is not a number of seconds");
  }
  return std::chrono::seconds(value);
}

}  // namespace

ProfileCredentialsProvider::ProfileCredentialsProvider(ProfileProviderOptions options)
    : options_(std::move(options)), profile_(SelectedProfileName(options_.profile)) {}

std::string ProfileCredentialsProvider::Name() const {
  return Quoted(profile_);
}

Result<Credentials> ProfileCredentialsProvider::GetCredentials() {
  std::shared_ptr<CredentialsProvider> provider;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!resolved_) {
      DS_ASSIGN_OR_RETURN(
          ProfileSet set,
          LoadProfiles(options_.paths ? *options_.paths : ProfileFilePaths::FromEnvironment()));
      std::vector<std::string> visited;
      DS_ASSIGN_OR_RETURN(resolved_, Build(set, profile_, &visited));
    }
    provider = resolved_;
  }
  return provider->GetCredentials();
}

Result<std::shared_ptr<CredentialsProvider>> ProfileCredentialsProvider::Build(
    const ProfileSet& set, const std::string& name, std::vector<std::string>* visited) const {
  const Profile* p = set.Find(name);
  if (p == nullptr) {
    std::string text = Quoted(name) + " not found in " + Files(set);
    if (!visited->empty()) text += " (it is the source_profile of " + Quoted(visited->back()) + ")";
    return Status::NotFound(text);
  }
  if (std::find(visited->begin(), visited->end(), name) != visited->end()) {
    std::string chain;
    for (const std::string& v : *visited)
      chain += v + " -> ";
    return Status::InvalidArgument("source_profile loop in " + Files(set) + ": " + chain + name);
  }
  visited->push_back(name);

  if (std::optional<std::string> role_arn = p->Get("role_arn")) {
    std::optional<std::string> source_profile = p->Get("source_profile");
    std::optional<std::string> credential_source = p->Get("credential_source");
    std::optional<std::string> token_file = p->Get("web_identity_token_file");
    if (source_profile && credential_source) {
      return Status::InvalidArgument(Quoted(name) +
                                     " sets both source_profile and credential_source; keep one");
    }
    StsClientOptions sts = options_.sts;
    if (sts.region.empty()) sts.region = p->Get("region").value_or("");

    if (token_file && !source_profile && !credential_source) {
      WebIdentityConfig config;
      config.token_file = ExpandHome(*token_file);
      config.role_arn = *role_arn;
      config.session_name = p->Get("role_session_name").value_or("");
      DS_ASSIGN_OR_RETURN(config.duration, DurationSeconds(*p));
      return std::shared_ptr<CredentialsProvider>(
          std::make_shared<WebIdentityCredentialsProvider>(config, sts, options_.refresh));
    }

    std::shared_ptr<CredentialsProvider> source;
    if (source_profile) {
      if (*source_profile == name) {
        DS_ASSIGN_OR_RETURN(source, StaticFromProfile(*p, set));
      } else {
        DS_ASSIGN_OR_RETURN(source, Build(set, *source_profile, visited));
      }
    } else if (credential_source) {
      if (*credential_source == "Environment") {
        source = std::make_shared<EnvironmentCredentialsProvider>();
      } else if (*credential_source == "Ec2InstanceMetadata") {
        source = std::make_shared<InstanceMetadataCredentialsProvider>(options_.instance_metadata);
      } else if (*credential_source == "EcsContainer") {
        source = std::make_shared<ContainerCredentialsProvider>(options_.container);
      } else {
        return Status::InvalidArgument(Quoted(name) + ": credential_source '" + *credential_source +
                                       "' is not Environment, Ec2InstanceMetadata or EcsContainer");
      }
    } else {
      return Status::InvalidArgument(Quoted(name) + " in " + Files(set) +
                                     " sets role_arn but none of source_profile, "
                                     "credential_source or web_identity_token_file");
    }

    AssumeRoleOptions role;
    role.role_arn = *role_arn;
    role.external_id = p->Get("external_id").value_or("");
    role.session_name = p->Get("role_session_name")
                            .value_or("dynasink-" + std::to_string(Clock::to_time_t(Clock::now())));
    DS_ASSIGN_OR_RETURN(role.duration, DurationSeconds(*p));
    role.sts = std::move(sts);
    role.refresh = options_.refresh;
    Result<std::shared_ptr<AssumeRoleCredentialsProvider>> provider =
        AssumeRoleCredentialsProvider::Create(std::move(source), std::move(role));
    if (!provider.ok()) return provider.status().WithContext(Quoted(name));
    return std::shared_ptr<CredentialsProvider>(*provider);
  }

  if (p->Get("aws_access_key_id") || p->Get("aws_secret_access_key")) {
    return StaticFromProfile(*p, set);
  }
  if (std::optional<std::string> command = p->Get("credential_process")) {
    return std::shared_ptr<CredentialsProvider>(std::make_shared<ProcessCredentialsProvider>(
        *command, name, options_.refresh, options_.process_timeout));
  }
  if (p->Get("sso_start_url") || p->Get("sso_session")) {
    return Status::NotSupported(Quoted(name) +
                                " uses AWS IAM Identity Center (SSO), which dynasink does not "
                                "support; use credential_process = aws configure "
                                "export-credentials --profile " +
                                name + " --format process");
  }
  return Status::InvalidArgument(Quoted(name) + " in " + Files(set) +
                                 " has no credentials: set aws_access_key_id and "
                                 "aws_secret_access_key, role_arn, or credential_process");
}

}  // namespace dynasink::aws
