// The extended query protocol: Parse, Bind, Describe, Execute, Close and Sync.
#include "pgwire/connection.h"
#include "pgwire/server.h"
#include "pgwire/value_codec.h"
#include "pgwire/wire_buffer.h"

namespace dynasink::pgwire::internal {
namespace {

Status Malformed(const Status& s) {
  // A message whose fields do not add up is a protocol violation whatever the reader said.
  return Status::Sql("08P01", s.message());
}

}  // namespace

Status Connection::HandleParse(std::string_view body) {
  MessageReader r(body);
  auto name = r.CString();
  auto sql = r.CString();
  auto count = r.UInt16();
  if (!name.ok() || !sql.ok() || !count.ok()) {
    Fatal(Status::Sql("08P01", "invalid Parse message"));
    return Status::OK();
  }
  std::vector<uint32_t> oids;
  for (int i = 0; i < *count; ++i) {
    auto oid = r.Int32();
    if (!oid.ok()) {
      Fatal(Malformed(oid.status()));
      return Status::OK();
    }
    oids.push_back(static_cast<uint32_t>(*oid));
  }
  if (r.remaining() != 0) {
    Fatal(Status::Sql("08P01", "invalid Parse message"));
    return Status::OK();
  }
  std::string stmt_name(*name);
  if (!stmt_name.empty() && statements_.count(stmt_name)) {
    return Status::Sql("42P05", "prepared statement \"" + stmt_name + "\" already exists");
  }
  std::vector<types::DataType> declared;
  declared.reserve(oids.size());
  for (uint32_t oid : oids) {
    DS_ASSIGN_OR_RETURN(types::DataType t, TypeFromOid(oid));
    declared.push_back(std::move(t));
  }
  if (stmt_name.empty()) CloseStatement("");
  BeginStatement();
  auto stmt = session_->Prepare(*sql, declared);
  EndStatement();
  if (!stmt.ok()) return stmt.status();
  StatementEntry entry;
  entry.statement = std::move(*stmt);
  entry.param_types = entry.statement->ParamTypes();
  if (entry.param_types.size() < declared.size()) {
    return Status::Internal("the engine reported fewer parameter types than were declared");
  }
  statements_[stmt_name] = std::move(entry);
  transport_.out().Begin('1');  // ParseComplete
  transport_.out().End();
  return Status::OK();
}

Status Connection::HandleBind(std::string_view body) {
  MessageReader r(body);
  auto portal_name = r.CString();
  auto stmt_name = r.CString();
  auto nformats = r.UInt16();
  if (!portal_name.ok() || !stmt_name.ok() || !nformats.ok()) {
    Fatal(Status::Sql("08P01", "invalid Bind message"));
    return Status::OK();
  }
  auto malformed = [this] {
    Fatal(Status::Sql("08P01", "invalid Bind message"));
    return Status::OK();
  };
  std::vector<int16_t> param_formats;
  for (int i = 0; i < *nformats; ++i) {
    auto f = r.Int16();
    if (!f.ok()) return malformed();
    param_formats.push_back(*f);
  }
  auto nparams = r.UInt16();
  if (!nparams.ok()) return malformed();
  struct RawParam {
    bool is_null;
    std::string_view bytes;
  };
  std::vector<RawParam> raw;
  raw.reserve(*nparams);
  for (int i = 0; i < *nparams; ++i) {
    auto len = r.Int32();
    if (!len.ok() || *len < -1) return malformed();
    if (*len == -1) {
      raw.push_back({true, {}});
      continue;
    }
    auto bytes = r.Bytes(static_cast<size_t>(*len));
    if (!bytes.ok()) return malformed();
    raw.push_back({false, *bytes});
  }
  auto nresults = r.UInt16();
  if (!nresults.ok()) return malformed();
  std::vector<int16_t> result_formats;
  for (int i = 0; i < *nresults; ++i) {
    auto f = r.Int16();
    if (!f.ok()) return malformed();
    result_formats.push_back(*f);
  }
  if (r.remaining() != 0) return malformed();

  auto sit = statements_.find(std::string(*stmt_name));
  if (sit == statements_.end()) {
    return Status::Sql("26000",
                       "prepared statement \"" + std::string(*stmt_name) + "\" does not exist");
  }
  StatementEntry& stmt = sit->second;
  std::string pname(*portal_name);
  if (!pname.empty() && portals_.count(pname)) {
    return Status::Sql("42P03", "portal \"" + pname + "\" already exists");
  }
  if (!param_formats.empty() && param_formats.size() != 1 && param_formats.size() != raw.size()) {
    return Status::Sql("08P01", "bind message has " + std::to_string(param_formats.size()) +
                                    " parameter formats but " + std::to_string(raw.size()) +
                                    " parameters");
  }
  if (raw.size() != stmt.param_types.size()) {
    return Status::Sql("08P01", "bind message supplies " + std::to_string(raw.size()) +
                                    " parameters, but prepared statement \"" + sit->first +
                                    "\" requires " + std::to_string(stmt.param_types.size()));
  }
  std::vector<types::Value> params;
  params.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    int16_t fmt = param_formats.empty()       ? 0
                  : param_formats.size() == 1 ? param_formats[0]
                                              : param_formats[i];
    if (fmt != 0 && fmt != 1) {
      return Status::Sql("22023", "unsupported format code: " + std::to_string(fmt));
    }
    if (raw[i].is_null) {
      params.push_back(types::Value::Null());
      continue;
    }
    const types::DataType& type = stmt.param_types[i];
    if (fmt == 1 && !SupportsBinaryInput(type)) {
      return Status::Sql("0A000", "binary format is not supported for parameter $" +
                                      std::to_string(i + 1) + " of type " + type.ToString());
    }
    Result<types::Value> v =
        fmt == 0 ? DecodeTextParam(raw[i].bytes, type) : DecodeBinaryParam(raw[i].bytes, type);
    if (!v.ok() && fmt == 1 && v.status().sqlstate() == "22P03") {
      return Status::Sql("22P03",
                         "incorrect binary data format in bind parameter " + std::to_string(i + 1));
    }
    if (!v.ok()) return v.status();
    params.push_back(std::move(*v));
  }

  if (pname.empty()) portals_.erase("");
  PortalEntry entry;
  entry.statement = stmt.statement;
  entry.statement_name = sit->first;
  BeginStatement();
  auto portal = session_->Bind(*entry.statement, std::move(params));
  EndStatement();
  if (!portal.ok()) return portal.status();
  entry.portal = std::move(*portal);
  entry.shape = entry.portal->Describe();
  size_t ncols = entry.shape.columns.size();
  if (result_formats.size() > 1 && result_formats.size() != ncols) {
    return Status::Sql("08P01", "bind message has " + std::to_string(result_formats.size()) +
                                    " result formats but query has " + std::to_string(ncols) +
                                    " columns");
  }
  entry.formats.resize(ncols, 0);
  for (size_t i = 0; i < ncols; ++i) {
    int16_t fmt = result_formats.empty()       ? 0
                  : result_formats.size() == 1 ? result_formats[0]
                                               : result_formats[i];
    if (fmt != 0 && fmt != 1) {
      return Status::Sql("22023", "unsupported format code: " + std::to_string(fmt));
    }
    if (fmt == 1 && !SupportsBinaryOutput(entry.shape.columns[i].type)) {
      return Status::Sql("0A000", "binary output format is not supported for column \"" +
                                      entry.shape.columns[i].name + "\" of type " +
                                      entry.shape.columns[i].type.ToString());
    }
    entry.formats[i] = fmt;
  }
  portals_[pname] = std::move(entry);
  transport_.out().Begin('2');  // BindComplete
  transport_.out().End();
  return Status::OK();
}

Status Connection::HandleDescribe(std::string_view body) {
  MessageReader r(body);
  auto kind = r.Byte();
  auto name = r.CString();
  if (!kind.ok() || !name.ok() || r.remaining() != 0 || (*kind != 'S' && *kind != 'P')) {
    Fatal(Status::Sql("08P01", "invalid Describe message"));
    return Status::OK();
  }
  std::string n(*name);
  MessageWriter& out = transport_.out();
  if (*kind == 'S') {
    auto it = statements_.find(n);
    if (it == statements_.end())
      return Status::Sql("26000", "prepared statement \"" + n + "\" does not exist");
    BeginStatement();
    auto shape = it->second.statement->Describe();
    EndStatement();
    if (!shape.ok()) return shape.status();
    out.Begin('t');  // ParameterDescription
    out.Int16(static_cast<int16_t>(it->second.param_types.size()));
    for (const auto& t : it->second.param_types)
      out.Int32(static_cast<int32_t>(WireTypeOid(t)));
    out.End();
    SendRowDescription(*shape, nullptr);
    return Status::OK();
  }
  auto it = portals_.find(n);
  if (it == portals_.end()) return Status::Sql("34000", "portal \"" + n + "\" does not exist");
  SendRowDescription(it->second.shape, &it->second.formats);
  return Status::OK();
}

Status Connection::HandleExecute(std::string_view body) {
  MessageReader r(body);
  auto name = r.CString();
  auto max_rows = r.Int32();
  if (!name.ok() || !max_rows.ok() || r.remaining() != 0) {
    Fatal(Status::Sql("08P01", "invalid Execute message"));
    return Status::OK();
  }
  auto it = portals_.find(std::string(*name));
  if (it == portals_.end()) {
    return Status::Sql("34000", "portal \"" + std::string(*name) + "\" does not exist");
  }
  return ExecutePortal(it->second, *max_rows > 0 ? static_cast<size_t>(*max_rows) : 0);
}

Status Connection::HandleClose(std::string_view body) {
  MessageReader r(body);
  auto kind = r.Byte();
  auto name = r.CString();
  if (!kind.ok() || !name.ok() || r.remaining() != 0 || (*kind != 'S' && *kind != 'P')) {
    Fatal(Status::Sql("08P01", "invalid Close message"));
    return Status::OK();
  }
  // Closing something that does not exist is not an error.
  if (*kind == 'S') {
    CloseStatement(std::string(*name));
  } else {
    portals_.erase(std::string(*name));
  }
  transport_.out().Begin('3');  // CloseComplete
  transport_.out().End();
  return Status::OK();
}

void Connection::CloseStatement(const std::string& name) {
  auto it = statements_.find(name);
  if (it == statements_.end()) return;
  // Closing a statement closes the portals made from it.
  const PreparedStatement* stmt = it->second.statement.get();
  std::erase_if(portals_, [stmt](const auto& p) { return p.second.statement.get() == stmt; });
  statements_.erase(it);
}

void Connection::HandleSync() {
  // Portals live until the end of the transaction; outside a transaction block, that is now.
  if (session_->TransactionStatus() == 'I') portals_.clear();
  SendReadyForQuery();
  Flush();
}

}  // namespace dynasink::pgwire::internal
