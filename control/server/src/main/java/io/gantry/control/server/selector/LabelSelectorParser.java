package io.gantry.control.server.selector;

import io.gantry.control.server.selector.LabelSelector.Operator;
import io.gantry.control.server.selector.LabelSelector.Requirement;
import io.gantry.control.server.validation.NameRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label selector lexer and parser of apimachinery's {@code labels.Parse}, with its error messages.
 * Not thread-safe; one instance parses one string.
 */
final class LabelSelectorParser {

  private enum Tok { ERROR, EOS, CLOSE, COMMA, NOT, DOUBLE_EQUALS, EQUALS, GT, ID, IN, LT, NOT_EQUALS, NOT_IN, OPEN }

  private record Item(Tok tok, String literal) {}

  private static final Map<String, Tok> STRING_TO_TOKEN = Map.ofEntries(
      Map.entry(")", Tok.CLOSE), Map.entry(",", Tok.COMMA), Map.entry("!", Tok.NOT), Map.entry("==", Tok.DOUBLE_EQUALS),
      Map.entry("=", Tok.EQUALS), Map.entry(">", Tok.GT), Map.entry("in", Tok.IN), Map.entry("<", Tok.LT),
      Map.entry("!=", Tok.NOT_EQUALS), Map.entry("notin", Tok.NOT_IN), Map.entry("(", Tok.OPEN));

  private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

  private final List<Item> items = new ArrayList<>();
  private int position;

  LabelSelectorParser(String text) {
    scan(text);
  }

  List<Requirement> parse() {
    List<Requirement> reqs = new ArrayList<>();
    while (true) {
      Item next = lookahead(true);
      switch (next.tok) {
        case ID, NOT -> {
          try {
            reqs.add(requirement());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unable to parse requirement: " + e.getMessage(), e);
          }
          Item t = consume(true);
          if (t.tok == Tok.EOS) {
            return reqs;
          }
          if (t.tok != Tok.COMMA) {
            throw new IllegalArgumentException("found '" + t.literal + "', expected: ',' or 'end of string'");
          }
          Item after = lookahead(true);
          if (after.tok != Tok.ID && after.tok != Tok.NOT) {
            throw new IllegalArgumentException("found '" + after.literal + "', expected: identifier after ','");
          }
        }
        case EOS -> {
          return reqs;
        }
        default -> throw new IllegalArgumentException(
            "found '" + next.literal + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

  private Requirement requirement() {
    Operator op = null;
    Item t = consume(true);
    if (t.tok == Tok.NOT) {
      op = Operator.DOES_NOT_EXIST;
      t = consume(true);
    }
    if (t.tok != Tok.ID) {
      throw new IllegalArgumentException("found '" + t.literal + "', expected: identifier");
    }
    String key = t.literal;
    List<String> keyErrors = NameRules.qualifiedName(key);
    if (!keyErrors.isEmpty()) {
      throw new IllegalArgumentException("<nil>: Invalid value: " + quote(key) + ": " + String.join("; ", keyErrors));
    }
    Tok after = lookahead(true).tok;
    if (op == Operator.DOES_NOT_EXIST || after == Tok.EOS || after == Tok.COMMA) {
      // "!a=b" ends the requirement at "a"; the caller then rejects the "=".
      return requirement(key, op == null ? Operator.EXISTS : op, List.of());
    }
    op = operator();
    return requirement(key, op, values(op));
  }

  private Operator operator() {
    Item t = consume(false);
    return switch (t.tok) {
      case IN -> Operator.IN;
      case EQUALS -> Operator.EQUALS;
      case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
      case GT -> Operator.GREATER_THAN;
      case LT -> Operator.LESS_THAN;
      case NOT_IN -> Operator.NOT_IN;
      case NOT_EQUALS -> Operator.NOT_EQUALS;
      default -> throw new IllegalArgumentException("found '" + t.literal + "', expected: " + BINARY_OPERATORS);
    };
  }

  private List<String> values(Operator op) {
    return op == Operator.IN || op == Operator.NOT_IN ? setValues() : exactValue();
  }

  private List<String> setValues() {
    Item t = consume(true);
    if (t.tok != Tok.OPEN) {
      throw new IllegalArgumentException("found '" + t.literal + "' expected: '('");
    }
    Item next = lookahead(true);
    switch (next.tok) {
      case ID, COMMA -> {
        List<String> values = identifierList();
        if (consume(true).tok != Tok.CLOSE) {
          throw new IllegalArgumentException("found '" + next.literal + "', expected: ')'");
        }
        return values;
      }
      case CLOSE -> {
        consume(true);
        return List.of("");
      }
      default -> throw new IllegalArgumentException("found '" + next.literal + "', expected: ',', ')' or identifier");
    }
  }

  private List<String> identifierList() {
    Set<String> values = new LinkedHashSet<>();
    while (true) {
      Item t = consume(true);
      switch (t.tok) {
        case ID -> {
          values.add(t.literal);
          Item next = lookahead(true);
          if (next.tok == Tok.CLOSE) {
            return new ArrayList<>(values);
          }
          if (next.tok != Tok.COMMA) {
            throw new IllegalArgumentException("found '" + next.literal + "', expected: ',' or ')'");
          }
        }
        case COMMA -> {
          if (values.isEmpty()) {
            values.add("");
          }
          Tok next = lookahead(true).tok;
          if (next == Tok.CLOSE) {
            values.add("");
            return new ArrayList<>(values);
          }
          if (next == Tok.COMMA) {
            consume(true);
            values.add("");
          }
        }
        default -> throw new IllegalArgumentException("found '" + t.literal + "', expected: ',', or identifier");
      }
    }
  }

  private List<String> exactValue() {
    Tok next = lookahead(true).tok;
    if (next == Tok.EOS || next == Tok.COMMA) {
      return List.of("");
    }
    Item t = consume(true);
    if (t.tok == Tok.ID) {
      return List.of(t.literal);
    }
    throw new IllegalArgumentException("found '" + t.literal + "', expected: identifier");
  }

  /** Upstream {@code NewRequirement}: validates the key, the value count for the operator, and each value. */
  static Requirement requirement(String key, Operator op, List<String> values) {
    List<String> errs = new ArrayList<>();
    List<String> keyErrors = NameRules.qualifiedName(key);
    if (!keyErrors.isEmpty()) {
      errs.add("key: Invalid value: " + quote(key) + ": " + String.join("; ", keyErrors));
    }
    String valuesLiteral = "[]string{" + String.join(", ", values.stream().map(LabelSelectorParser::quote).toList())
        + "}";
    switch (op) {
      case IN, NOT_IN -> {
        if (values.isEmpty()) {
          errs.add("values: Invalid value: " + valuesLiteral
              + ": for 'in', 'notin' operators, values set can't be empty");
        }
      }
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
        if (values.size() != 1) {
          errs.add("values: Invalid value: " + valuesLiteral + ": exact-match compatibility requires one single value");
        }
      }
      case EXISTS, DOES_NOT_EXIST -> {
        if (!values.isEmpty()) {
          errs.add("values: Invalid value: " + valuesLiteral
              + ": values set must be empty for exists and does not exist");
        }
      }
      case GREATER_THAN, LESS_THAN -> {
        if (values.size() != 1) {
          errs.add("values: Invalid value: " + valuesLiteral
              + ": for 'Gt', 'Lt' operators, exactly one value is required");
        }
        for (int i = 0; i < values.size(); i++) {
          if (!values.get(i).matches("[+-]?[0-9]{1,18}")) {
            errs.add("values[" + i + "]: Invalid value: " + quote(values.get(i))
                + ": for 'Gt', 'Lt' operators, the value must be an integer");
          }
        }
      }
    }
    for (int i = 0; i < values.size(); i++) {
      List<String> msgs = NameRules.labelValue(values.get(i));
      if (!msgs.isEmpty()) {
        errs.add("values[" + i + "][" + key + "]: Invalid value: " + quote(values.get(i)) + ": "
            + String.join("; ", msgs));
      }
    }
    if (!errs.isEmpty()) {
      throw new IllegalArgumentException(errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]");
    }
    return new Requirement(key, op, values);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** In a values context {@code in} and {@code notin} are plain identifiers. */
  private Item lookahead(boolean values) {
    return contextual(items.get(position), values);
  }

  private Item consume(boolean values) {
    Item item = items.get(position);
    if (position < items.size() - 1) {
      position++;
    }
    return contextual(item, values);
  }

  private static Item contextual(Item item, boolean values) {
    return values && (item.tok == Tok.IN || item.tok == Tok.NOT_IN) ? new Item(Tok.ID, item.literal) : item;
  }

  private void scan(String s) {
    int i = 0;
    while (true) {
      while (i < s.length() && isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= s.length()) {
        items.add(new Item(Tok.EOS, ""));
        return;
      }
      char c = s.charAt(i);
      if (isSpecial(c)) {
        int start = i;
        Item last = null;
        while (i < s.length() && isSpecial(s.charAt(i))) {
          Tok tok = STRING_TO_TOKEN.get(s.substring(start, i + 1));
          if (tok != null) {
            last = new Item(tok, s.substring(start, i + 1));
          } else if (last != null) {
            break;
          }
          i++;
        }
        if (last == null) {
          items.add(new Item(Tok.ERROR, "error expected: keyword found '" + s.substring(start, i) + "'"));
          items.add(new Item(Tok.EOS, ""));
          return;
        }
        items.add(last);
        i = start + last.literal.length();
      } else {
        int start = i;
        while (i < s.length() && !isWhitespace(s.charAt(i)) && !isSpecial(s.charAt(i))) {
          i++;
        }
        String word = s.substring(start, i);
        Tok tok = STRING_TO_TOKEN.get(word);
        items.add(new Item(tok == Tok.IN || tok == Tok.NOT_IN ? tok : Tok.ID, word));
      }
    }
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSpecial(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }
}
