#include "aws/region.h"

#include <cstdlib>

namespace dynasink::aws {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

Result<ResolvedRegion> ResolveRegion(std::string_view explicit_region, std::string_view profile,
                                     std::optional<ProfileFilePaths> paths) {
  if (!explicit_region.empty()) return ResolvedRegion{std::string(explicit_region), "explicit"};
  if (std::string r = Env("AWS_REGION"); !r.empty()) return ResolvedRegion{r, "AWS_REGION"};
  if (std::string r = Env("AWS_DEFAULT_REGION"); !r.empty()) {
    return ResolvedRegion{r, "AWS_DEFAULT_REGION"};
  }
  ProfileFilePaths where = paths ? *paths : ProfileFilePaths::FromEnvironment();
  std::string name = SelectedProfileName(profile);
  DS_ASSIGN_OR_RETURN(ProfileSet set, LoadProfiles(where));
  if (const Profile* p = set.Find(name)) {
    if (std::optional<std::string> r = p->Get("region")) {
      return ResolvedRegion{*r, "profile '" + name + "'"};
    }
  }
  return Status::NotFound(
      "no AWS region: set aws.region, AWS_REGION or AWS_DEFAULT_REGION, or "
      "region in profile '" +
      name + "' of " + where.config);
}

}  // namespace dynasink::aws
