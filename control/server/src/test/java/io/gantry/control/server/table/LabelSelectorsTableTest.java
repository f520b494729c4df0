package io.gantry.control.server.table;

import static io.gantry.control.server.table.Fixtures.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;

/** Selector strings as {@code labels.Selector.String()} renders them in the wide Selector columns. */
class LabelSelectorsTableTest {

  @Test
  void requirementsSortedByKeyWithSortedValues() {
    // Sorting is by key alone, so "!legacy" (key "legacy") sits between env and tier.
    assertEquals("app=web,env in (prod),!legacy,tier notin (cache,db),track",
        LabelSelectors.format(object("""
            {"matchLabels": {"app": "web"},
             "matchExpressions": [{"key": "track", "operator": "Exists"},
                                  {"key": "tier", "operator": "NotIn", "values": ["db", "cache"]},
                                  {"key": "env", "operator": "In", "values": ["prod"]},
                                  {"key": "legacy", "operator": "DoesNotExist"}]}
            """)));
  }

  @Test
  void emptyAbsentAndInvalid() {
    assertEquals("", LabelSelectors.format(object("{}")));
    assertEquals("", LabelSelectors.format(MissingNode.getInstance()));
    assertEquals("<none>", LabelSelectors.formatOrNone(object("{\"matchLabels\": {}}")));
    assertEquals("!gone", LabelSelectors.formatOrNone(object("""
        {"matchExpressions": [{"key": "gone", "operator": "DoesNotExist"}]}
        """)));
    assertThrows(IllegalArgumentException.class, () -> LabelSelectors.format(object("""
        {"matchExpressions": [{"key": "k", "operator": "In", "values": []}]}
        """)));
    assertEquals("<error>", LabelSelectors.formatOrNone(object("""
        {"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["v"]}]}
        """)));
  }
}
