// CREATE SINK, DROP SINK, ALTER SINK, SHOW CREATE SINK, and the FLUSH hook: the SQL side of the
// sink runtime (stream/sink_manager.h does the work).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "connector/sink_options.h"
#include "sql/ast_printer.h"
#include "sql/binder.h"
#include "sql/engine.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/session.h"
#include "sql/sink_statements.h"

namespace dynasink::sql {

namespace {

using types::Row;
using types::TypeId;
using types::Value;

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

connector::SinkOptionList OptionList(const std::vector<SqlOption>& options) {
  connector::SinkOptionList out;
  out.reserve(options.size());
  for (const SqlOption& o : options)
    out.emplace_back(o.key, o.value.text);
  return out;
}

void Notify(ExecContext& ctx, const std::vector<std::string>& notices) {
  for (const std::string& n : notices) {
    ctx.session.SendNotice({Notice::Severity::kNotice, "00000", n, "", ""});
  }
}

// The `connector` option of a CREATE SINK, lower case (empty when missing).
std::string ConnectorOf(const CreateSinkStmt& stmt) {
  const SqlOption* c = FindOption(stmt.with_options, connector::kConnectorOption);
  return c != nullptr ? Lower(c->value.text) : std::string();
}

// A change to a statement's text: `span` (offsets in the parsed text; empty to insert) becomes
// `text`.
struct TextEdit {
  SourceSpan span;
  std::string text;
};

// `text` (the statement's source, which starts at offset `base` of the parsed text) with the
// edits applied back to front, so that no edit moves another one's offsets. An edit outside the
// text is skipped.
std::string ApplyEdits(std::string text, uint32_t base, std::vector<TextEdit> edits) {
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
    return a.span.begin > b.span.begin;
  });
  for (const TextEdit& e : edits) {
    if (e.span.begin < base || e.span.end - base > text.size()) continue;
    text.replace(e.span.begin - base, e.span.size(), e.text);
  }
  return text;
}

// The statement as written with every secret value replaced by '[REDACTED]'.
std::string RedactedDefinition(const CreateSinkStmt& stmt) {
  const std::string connector_name = ConnectorOf(stmt);
  const std::string redacted = QuoteString(connector::kRedactedValue);
  std::vector<TextEdit> edits;
  auto collect = [&](const std::vector<SqlOption>& options) {
    for (const SqlOption& o : options) {
      if (connector::IsSecretSinkOption(connector_name, o.key)) {
        edits.push_back({o.value.span, redacted});
      }
    }
  };
  collect(stmt.with_options);
  if (stmt.format_encode.has_value()) collect(stmt.format_encode->options);
  return ApplyEdits(stmt.definition, stmt.span.begin, std::move(edits));
}

// A stored (redacted) CREATE SINK text with the WITH options `changes` applied: a value replaced
// where its option is written (under any of its names), the option appended to the list
// otherwise; a secret value is written redacted, as at CREATE.
Result<std::string> AlteredDefinition(const std::string& definition,
                                      const std::vector<SqlOption>& changes) {
  DS_ASSIGN_OR_RETURN(StatementPtr parsed, ParseSingleStatement(definition));
  if (parsed->kind != StatementKind::kCreateSink) {
    return Status::Corruption("the stored definition of the sink is not a CREATE SINK statement");
  }
  const auto& create = parsed->As<CreateSinkStmt>();
  if (create.with_options.empty()) {
    return Status::Corruption("the stored definition of the sink has no WITH options");
  }
  const std::string connector_name = ConnectorOf(create);
  std::vector<TextEdit> edits;
  std::string appended;
  auto same_option = [&](std::string_view a, std::string_view b) {
    return connector::MainSinkOptionName(connector_name, a) ==
           connector::MainSinkOptionName(connector_name, b);
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    const SqlOption& change = changes[i];
    // Of two changes of one option, the later wins (as in the options themselves).
    bool later = false;
    for (size_t j = i + 1; j < changes.size(); ++j)
      later = later || same_option(changes[j].key, change.key);
    if (later) continue;
    std::string value = connector::IsSecretSinkOption(connector_name, change.key)
                            ? QuoteString(connector::kRedactedValue)
                        : change.value.kind == ConstValue::Kind::kString
                            ? QuoteString(change.value.text)
                            : change.value.text;
    const auto old =
        std::find_if(create.with_options.begin(), create.with_options.end(),
                     [&](const SqlOption& o) { return same_option(o.key, change.key); });
    if (old != create.with_options.end()) {
      edits.push_back({old->value.span, std::move(value)});
    } else {
      appended += fmt::format(", {} = {}", change.key, value);
    }
  }
  // New options go right after the last one (an insertion there comes before the replacement
  // of the last value, which ends at the same offset).
  const uint32_t list_end = create.with_options.back().value.span.end;
  if (!appended.empty()) edits.push_back({SourceSpan{list_end, list_end}, std::move(appended)});
  return ApplyEdits(definition.substr(create.span.begin), create.span.begin, std::move(edits));
}

class CreateSinkHandler final : public StatementHandler {
 public:
  explicit CreateSinkHandler(stream::SinkManager* manager) : manager_(manager) {}

  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext& ctx, const Statement& stmt) override {
    const auto& s = stmt.As<CreateSinkStmt>();
    stream::SinkManager* manager = manager_;
    std::string sql(ctx.sql);
    return MakeFunctionPlan([manager, &s, sql](ExecContext& ectx) -> Result<ExecResult> {
      const catalog::Catalog& catalog = ectx.engine.catalog();
      stream::CreateSinkRequest request;
      request.name = s.name.name();
      request.if_not_exists = s.if_not_exists;
      if (s.from.has_value()) {
        request.table = catalog.FindTable(s.from->name());
        if (request.table == nullptr || s.from->parts.size() > 2) {
          return SqlErrorAt(sql, s.from->pos, "42P01",
                            "relation \"" + s.from->ToString() + "\" does not exist");
        }
        DS_ASSIGN_OR_RETURN(request.program, SinkProgramForTable(*request.table));
      } else {
        DS_ASSIGN_OR_RETURN(request.program, BindSinkQuery(catalog, *s.query, sql));
        request.table = catalog.FindTableById(request.program->source_table_id());
        if (request.table == nullptr) return Status::Internal("the sink query's table is gone");
        request.query_sql = s.query_text;
      }
      request.with_options = OptionList(s.with_options);
      if (s.format_encode.has_value()) {
        request.format_encode = connector::FormatEncodeClause{
            s.format_encode->format, s.format_encode->encode, OptionList(s.format_encode->options)};
      }
      request.redacted_definition = RedactedDefinition(s);
      DS_ASSIGN_OR_RETURN(std::vector<std::string> notices,
                          manager->CreateSink(std::move(request)));
      Notify(ectx, notices);
      return ExecResult::Command("CREATE_SINK");
    });
  }

 private:
  stream::SinkManager* manager_;
};

class DropSinkHandler final : public StatementHandler {
 public:
  explicit DropSinkHandler(stream::SinkManager* manager) : manager_(manager) {}

  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    const auto& d = stmt.As<DropStmt>();
    if (d.behavior == DropBehavior::kCascade) {
      return Status::Sql("0A000",
                         "DROP SINK ... CASCADE is not supported: nothing depends on a "
                         "sink");
    }
    stream::SinkManager* manager = manager_;
    return MakeFunctionPlan([manager, &d](ExecContext& ectx) -> Result<ExecResult> {
      for (const ObjectName& name : d.names) {
        if (ectx.engine.catalog().FindSink(name.name()) == nullptr) {
          if (!d.if_exists) {
            return Status::Sql("42704", "sink \"" + name.ToString() + "\" does not exist");
          }
          Notify(ectx, {"sink \"" + name.ToString() + "\" does not exist, skipping"});
          continue;
        }
        DS_RETURN_IF_ERROR(manager->DropSink(name.name()));
      }
      return ExecResult::Command("DROP_SINK");
    });
  }

 private:
  stream::SinkManager* manager_;
};

class AlterSinkHandler final : public StatementHandler {
 public:
  explicit AlterSinkHandler(stream::SinkManager* manager) : manager_(manager) {}

  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    const auto& a = stmt.As<AlterSinkStmt>();
    if (a.action == AlterSinkAction::kRename) {
      return Status::Sql("0A000",
                         "ALTER SINK ... RENAME TO is not supported\nHINT: drop the "
                         "sink and create it again under the new name");
    }
    stream::SinkManager* manager = manager_;
    return MakeFunctionPlan([manager, &a](ExecContext&) -> Result<ExecResult> {
      const std::string& name = a.name.name();
      switch (a.action) {
        case AlterSinkAction::kPause:
          DS_RETURN_IF_ERROR(manager->PauseSink(name));
          break;
        case AlterSinkAction::kResume:
          DS_RETURN_IF_ERROR(manager->ResumeSink(name));
          break;
        case AlterSinkAction::kSetOptions:
          DS_RETURN_IF_ERROR(manager->AlterSinkOptions(
              name, OptionList(a.options), [&a](const std::string& definition) {
                return AlteredDefinition(definition, a.options);
              }));
          break;
        case AlterSinkAction::kRename:
          break;
      }
      return ExecResult::Command("ALTER_SINK");
    });
  }

 private:
  stream::SinkManager* manager_;
};

class ShowCreateSinkHandler final : public StatementHandler {
 public:
  class Plan_ final : public StatementPlan {
   public:
    explicit Plan_(ObjectName name) : name_(std::move(name)) {}
    bool returns_rows() const override { return true; }
    const std::vector<ResultColumn>& columns() const override { return columns_; }
    Result<ExecResult> Execute(ExecContext& ctx) override {
      catalog::SinkDefPtr def = ctx.engine.catalog().FindSink(name_.name());
      if (def == nullptr) {
        return Status::Sql("42704", "sink \"" + name_.ToString() + "\" does not exist");
      }
      std::vector<Row> rows{
          {Value::Varchar("public." + def->name), Value::Varchar(def->definition)}};
      return ExecResult::Rows(std::make_unique<VectorRowStream>(std::move(rows)), "SHOW", false);
    }

   private:
    ObjectName name_;
    std::vector<ResultColumn> columns_ = {{"Name", TypeId::kVarchar},
                                          {"Create Sql", TypeId::kVarchar}};
  };

  Result<std::unique_ptr<StatementPlan>> Plan(PlanContext&, const Statement& stmt) override {
    return std::unique_ptr<StatementPlan>(new Plan_(stmt.As<ShowCreateStmt>().name));
  }
};

}  // namespace

Result<std::unique_ptr<exec::RowProgram>> MakeSinkProgram(const catalog::Catalog& catalog,
                                                          const catalog::SinkDefinition& def) {
  if (def.query_sql.empty()) {
    catalog::TableDefPtr table = catalog.FindTableById(def.from_table_id);
    if (table == nullptr) return Status::Corruption("the table of sink " + def.name + " is gone");
    return SinkProgramForTable(*table);
  }
  DS_ASSIGN_OR_RETURN(StatementPtr stmt, ParseSingleStatement(def.query_sql));
  if (stmt->kind != StatementKind::kQuery) {
    return Status::Corruption("the stored query of sink " + def.name + " is not a query");
  }
  return BindSinkQuery(catalog, *stmt->As<QueryStmt>().query, def.query_sql);
}

void RegisterSinkStatements(Engine* engine, stream::SinkManager* manager) {
  StatementRegistry& registry = engine->statements();
  registry.Register(HandlerKey::Of(StatementKind::kCreateSink),
                    std::make_shared<CreateSinkHandler>(manager));
  registry.Register(HandlerKey::Drop(ObjectType::kSink),
                    std::make_shared<DropSinkHandler>(manager));
  registry.Register(HandlerKey::Of(StatementKind::kAlterSink),
                    std::make_shared<AlterSinkHandler>(manager));
  registry.Register(HandlerKey::ShowCreate(ObjectType::kSink),
                    std::make_shared<ShowCreateSinkHandler>());
  engine->SetFlushHook([manager](const FlushRequest& request) {
    return manager->WaitFlushed(request.seq, *request.cancel);
  });
}

}  // namespace dynasink::sql
