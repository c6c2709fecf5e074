// Helpers shared by the SQL front end's tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sql/ast_printer.h"
#include "sql/parser.h"

namespace dynasink::sql::testing {

// Parses `sql`, which must hold exactly one statement; fails the test otherwise.
inline StatementPtr ParseOne(std::string_view sql) {
  auto parsed = ParseStatements(sql);
  EXPECT_TRUE(parsed.ok()) << sql << "\n  -> " << parsed.status().ToString();
  if (!parsed.ok()) return nullptr;
  EXPECT_EQ(parsed->size(), 1u) << sql;
  if (parsed->size() != 1) return nullptr;
  return std::move(parsed->front());
}

// Parses one statement and downcasts it, failing the test on a different kind.
template <typename T>
std::unique_ptr<T> ParseAs(std::string_view sql) {
  StatementPtr stmt = ParseOne(sql);
  if (!stmt) return nullptr;
  EXPECT_EQ(stmt->kind, T::kKind) << sql << " parsed as " << StatementKindName(stmt->kind);
  if (stmt->kind != T::kKind) return nullptr;
  return std::unique_ptr<T>(static_cast<T*>(stmt.release()));
}

// The statement printed with every operator parenthesized: shows the tree's shape.
inline std::string Tree(std::string_view sql) {
  StatementPtr stmt = ParseOne(sql);
  if (!stmt) return "<parse error>";
  PrintOptions options;
  options.fully_parenthesized = true;
  return PrintStatement(*stmt, options);
}

// The normalized SQL of a statement.
inline std::string Normalized(std::string_view sql) {
  StatementPtr stmt = ParseOne(sql);
  return stmt ? PrintStatement(*stmt) : "<parse error>";
}

// An expression printed fully parenthesized.
inline std::string ExprTree(std::string_view sql) {
  auto expr = ParseExpression(sql);
  EXPECT_TRUE(expr.ok()) << sql << "\n  -> " << expr.status().ToString();
  if (!expr.ok()) return "<parse error: " + expr.status().message() + ">";
  PrintOptions options;
  options.fully_parenthesized = true;
  return PrintExpr(**expr, options);
}

// The error of a text that must not parse.
inline Status ParseError(std::string_view sql) {
  auto parsed = ParseStatements(sql);
  EXPECT_FALSE(parsed.ok()) << sql << " parsed, but should not";
  return parsed.ok() ? Status::OK() : parsed.status();
}

// parse(print(ast)) == ast: printing, re-parsing and printing again gives the same text, both
// normalized and fully parenthesized (which shows every node, so equal texts mean equal trees).
inline void ExpectRoundTrip(std::string_view sql) {
  SCOPED_TRACE(std::string(sql));
  StatementPtr first = ParseOne(sql);
  ASSERT_NE(first, nullptr);
  PrintOptions tree_options;
  tree_options.fully_parenthesized = true;
  const std::string printed = PrintStatement(*first);
  const std::string tree = PrintStatement(*first, tree_options);
  StatementPtr second = ParseOne(printed);
  ASSERT_NE(second, nullptr) << "printed: " << printed;
  EXPECT_EQ(PrintStatement(*second), printed);
  EXPECT_EQ(PrintStatement(*second, tree_options), tree) << "printed: " << printed;
  // The fully parenthesized form reads back to the same tree, too.
  StatementPtr third = ParseOne(tree);
  ASSERT_NE(third, nullptr) << "tree: " << tree;
  EXPECT_EQ(PrintStatement(*third, tree_options), tree);
  EXPECT_EQ(second->kind, first->kind);
}

}  // namespace dynasink::sql::testing
