/* sd-tokenizer.h — tokens of English and Chinese (and mixed) customer messages
 *
 * Text is first made valid UTF-8, cut to SD_TOKENIZER_MAX_BYTES, NFKC-normalised (which
 * also turns full-width letters, digits and punctuation into their ASCII forms) and
 * case-folded. Latin, Cyrillic, Greek and other space-separated scripts give words (with
 * inner apostrophes kept: "don't"), digits give numbers ("3.50", "1,000"), Han, Hiragana,
 * Katakana and Hangul give one token per character plus, optionally, the bigrams of
 * adjacent characters; emoji (with their modifiers and ZWJ sequences) give one token
 * each; punctuation and symbols are dropped or kept as one token per character.
 *
 * Offsets are byte offsets into the normalised text (sd_tokenizer_normalize()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Messages longer than this are cut, so a 1 MB message costs as much as a 4 KiB one. */
#define SD_TOKENIZER_MAX_BYTES 4096

typedef enum {
  SD_TOKEN_WORD,
  SD_TOKEN_NUMBER,
  SD_TOKEN_CJK,          /* one Han, Kana or Hangul character */
  SD_TOKEN_CJK_BIGRAM,   /* two adjacent CJK characters */
  SD_TOKEN_PUNCT,        /* punctuation or a symbol, one character */
  SD_TOKEN_EMOJI,
} SdTokenKind;

typedef struct {
  char        *text;     /* normalised, NUL-terminated */
  SdTokenKind  kind;
  guint        start;    /* byte offsets into the normalised text */
  guint        end;
} SdToken;

typedef enum {
  SD_TOKENIZE_DEFAULT     = 0,
  SD_TOKENIZE_KEEP_PUNCT  = 1 << 0,   /* punctuation and symbols as tokens */
  SD_TOKENIZE_CJK_BIGRAMS = 1 << 1,   /* add SD_TOKEN_CJK_BIGRAM tokens */
  SD_TOKENIZE_KEEP_CASE   = 1 << 2,   /* skip case folding */
  /* A hyphen or underscore between two word characters stays in the word: "t-shirt",
   * "wi-fi", "top_up", "2024-05-01" (a number stays a number). */
  SD_TOKENIZE_JOIN_HYPHENS = 1 << 3,
} SdTokenizeFlags;

/* Valid, cut, NFKC-normalised and (unless KEEP_CASE) case-folded text. @length may be -1
 * for a NUL-terminated string. Never NULL. */
char        *sd_tokenizer_normalize  (const char      *text,
                                      gssize           length,
                                      SdTokenizeFlags  flags);

/* An array of SdToken in text order (a bigram follows the second of its characters),
 * which frees the tokens' text itself. Never NULL. */
GArray      *sd_tokenize             (const char      *text,
                                      gssize           length,
                                      SdTokenizeFlags  flags);

/* The same on text that is already normalised (from sd_tokenizer_normalize() with the
 * same flags): lets callers keep the normalised text for offsets. It may also be given
 * any valid UTF-8 as it is, when the offsets must index the caller's own text (the
 * entity extractor's spans): then nothing is normalised, cut or case-folded, and the
 * tokens keep the text's case and forms (apostrophes are still straightened). */
GArray      *sd_tokenize_normalized  (const char      *normalized,
                                      SdTokenizeFlags  flags);

const char  *sd_token_kind_to_string (SdTokenKind      kind);

/* Han (with 々 〆 〇), Hiragana, Katakana, Hangul and Bopomofo letters: the characters
 * that are tokens on their own. The one definition of "CJK" in the project. */
gboolean     sd_unichar_is_cjk       (gunichar         c);
gboolean     sd_unichar_is_emoji     (gunichar         c);

G_END_DECLS
