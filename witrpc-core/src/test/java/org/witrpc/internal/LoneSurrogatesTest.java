package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lone surrogates are found where they are, pairs are not, and replacement keeps the pairs. */
class LoneSurrogatesTest {
  private static final String PAIR = "\uD83D\uDE00";

  @Test
  void findsTheFirstLoneSurrogateAndSkipsPairs() {
    assertThat(LoneSurrogates.indexIn("")).isEqualTo(-1);
    assertThat(LoneSurrogates.indexIn("ab" + PAIR + "c" + PAIR)).isEqualTo(-1);
    assertThat(LoneSurrogates.indexIn("\uDE00" + PAIR)).as("a low one first").isZero();
    assertThat(LoneSurrogates.indexIn(PAIR + "\uD83D")).as("a high one at the end").isEqualTo(2);
    assertThat(LoneSurrogates.indexIn("\uD83D\uD83D\uDE00")).as("high before a pair").isZero();
    assertThat(LoneSurrogates.indexIn(PAIR + "\uDE00")).as("low after a pair").isEqualTo(2);
  }

  @Test
  void inAnArrayRangeTheIndexCountsFromItsOffsetAndTheRangeEndsWhereItSays() {
    char[] text = ("xx" + PAIR + "\uDE00yy").toCharArray();
    assertThat(LoneSurrogates.indexIn(text, 2, 3)).isEqualTo(2);
    assertThat(LoneSurrogates.indexIn(text, 2, 2)).isEqualTo(-1);
    assertThat(LoneSurrogates.indexIn(text, 2, 1)).as("a pair cut by the range's end").isZero();
    assertThat(LoneSurrogates.indexIn(text, 3, 1)).as("a pair cut by its start").isZero();
  }

  @Test
  void replacementReplacesLoneOnesOnlyAndKeepsTheSameStringWhenThereAreNone() {
    String clean = "a" + PAIR;
    assertThat(LoneSurrogates.replaced(clean)).isSameAs(clean);
    assertThat(LoneSurrogates.replaced(null)).isNull();
    assertThat(LoneSurrogates.replaced("\uDE00a" + PAIR + "\uD83D"))
        .isEqualTo("\uFFFDa" + PAIR + "\uFFFD");
    assertThat(LoneSurrogates.describe("a\uD800", 1))
        .isEqualTo("a lone surrogate (U+D800) at index 1");
  }
}
