/* sd-tokenizer.c — tokens of English and Chinese (and mixed) customer messages */
#include "config.h"

#include <string.h>

#include "sd-tokenizer.h"

gboolean
sd_unichar_is_cjk (gunichar c)
{
  /* The fast path: everything below the CJK blocks, except Hangul Jamo. */
  if (c < 0x1100)
    return FALSE;
  /* Iteration marks and the Kana blocks include characters of the Common script
   * (々, ー) that still belong to the word they sit in. */
  if ((c >= 0x3005 && c <= 0x3007) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF))
    return TRUE;
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
    case G_UNICODE_SCRIPT_BOPOMOFO:
      return g_unichar_isalpha (c) || g_unichar_type (c) == G_UNICODE_OTHER_LETTER;
    default:
      return FALSE;
    }
}

gboolean
sd_unichar_is_emoji (gunichar c)
{
  if (c < 0x2190)
    return FALSE;
  return (c >= 0x1F300 && c <= 0x1F5FF) ||   /* symbols and pictographs */
         (c >= 0x1F600 && c <= 0x1F64F) ||   /* emoticons */
         (c >= 0x1F680 && c <= 0x1F6FF) ||   /* transport and map */
         (c >= 0x1F900 && c <= 0x1F9FF) ||   /* supplemental symbols and pictographs */
         (c >= 0x1FA70 && c <= 0x1FAFF) ||   /* symbols and pictographs extended-A */
         (c >= 0x1F1E6 && c <= 0x1F1FF) ||   /* regional indicators (flags) */
         (c >= 0x2600 && c <= 0x27BF) ||     /* miscellaneous symbols, dingbats */
         (c >= 0x1F000 && c <= 0x1F0FF) ||   /* mahjong and playing cards */
         (c >= 0x1F191 && c <= 0x1F19A) ||
         c == 0x231A || c == 0x231B || (c >= 0x23E9 && c <= 0x23F3) || (c >= 0x23F8 && c <= 0x23FA) ||
         c == 0x2B50 || c == 0x2B55 || c == 0x2B1B || c == 0x2B1C ||
         c == 0x3030 || c == 0x303D || c == 0x3297 || c == 0x3299;
}

/* What may follow an emoji inside one emoji token. */
static gboolean
is_emoji_modifier (gunichar c)
{
  return c == 0xFE0F || c == 0xFE0E || c == 0x20E3 ||
         (c >= 0x1F3FB && c <= 0x1F3FF) ||   /* skin tones */
         (c >= 0xE0020 && c <= 0xE007F);     /* tag sequences (subdivision flags) */
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019 || c == 0x02BC;
}

/* Joins the parts of a word under SD_TOKENIZE_JOIN_HYPHENS (after NFKC, U+2011 is U+2010). */
static gboolean
is_hyphen (gunichar c)
{
  return c == '-' || c == '_' || c == 0x2010 || c == 0x2011;
}

static gboolean
is_word_char (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c);
  return (g_unichar_isalnum (c) || g_unichar_ismark (c)) && !sd_unichar_is_cjk (c) &&
         !sd_unichar_is_emoji (c);
}

char *
sd_tokenizer_normalize (const char      *text,
                        gssize           length,
                        SdTokenizeFlags  flags)
{
  g_autofree char *valid = NULL;
  g_autofree char *nfkc = NULL;
  gsize len;

  if (text == NULL)
    return g_strdup ("");
  len = length < 0 ? strlen (text) : (gsize) length;
  if (len > SD_TOKENIZER_MAX_BYTES)
    {
      /* Cut on a character boundary, when the text is valid there. */
      len = SD_TOKENIZER_MAX_BYTES;
      for (int back = 0; back < 3 && len > 0 && ((guchar) text[len] & 0xC0) == 0x80; back++)
        len--;
    }
  valid = g_utf8_make_valid (text, len);
  nfkc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  if (nfkc == NULL)   /* cannot happen on valid UTF-8; keep going on the valid text */
    nfkc = g_strdup (valid);
  if (flags & SD_TOKENIZE_KEEP_CASE)
    return g_steal_pointer (&nfkc);
  return g_utf8_casefold (nfkc, -1);
}

static void
clear_token (gpointer data)
{
  SdToken *token = data;
  g_free (token->text);
}

static void
push (GArray      *tokens,
      const char  *base,
      const char  *start,
      const char  *end,
      SdTokenKind  kind)
{
  SdToken token;

  token.text = g_strndup (start, end - start);
  token.kind = kind;
  token.start = start - base;
  token.end = end - base;
  g_array_append_val (tokens, token);
}

GArray *
sd_tokenize_normalized (const char      *normalized,
                        SdTokenizeFlags  flags)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (SdToken));
  const char *base = normalized;
  const char *p = normalized;
  const char *prev_cjk = NULL;   /* start of the CJK character just before p, if any */

  g_array_set_clear_func (tokens, clear_token);
  if (normalized == NULL)
    return tokens;

  while (*p)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (sd_unichar_is_cjk (c))
        {
          push (tokens, base, p, next, SD_TOKEN_CJK);
          if (prev_cjk && (flags & SD_TOKENIZE_CJK_BIGRAMS))
            push (tokens, base, prev_cjk, next, SD_TOKEN_CJK_BIGRAM);
          prev_cjk = p;
          p = next;
          continue;
        }
      prev_cjk = NULL;

      if (is_word_char (c))
        {
          const char *start = p;
          gboolean numeric = TRUE;
          gboolean curly = FALSE;

          while (*p)
            {
              gunichar d = g_utf8_get_char (p);
              const char *after = g_utf8_next_char (p);

              if (is_word_char (d))
                {
                  if (!g_unichar_isdigit (d))
                    numeric = FALSE;
                  p = after;
                  continue;
                }
              /* "don't", "o'clock": an apostrophe between letters stays in the word.
               * "3.50", "1,000": a separator between digits stays in the number. */
              if (is_apostrophe (d) && is_word_char (g_utf8_get_char (after)) && !numeric)
                {
                  curly |= d != '\'';
                  p = after;
                  continue;
                }
              if ((d == '.' || d == ',') && numeric && g_ascii_isdigit (*after) && p > start)
                {
                  p = after;
                  continue;
                }
              if ((flags & SD_TOKENIZE_JOIN_HYPHENS) && is_hyphen (d) &&
                  is_word_char (g_utf8_get_char (after)))
                {
                  p = after;
                  continue;
                }
              break;
            }

          if (curly)
            {
              /* Spell every apostrophe as ASCII, so "don’t" and "don't" are one word. */
              GString *word = g_string_new (NULL);
              for (const char *q = start; q < p; q = g_utf8_next_char (q))
                {
                  gunichar d = g_utf8_get_char (q);
                  if (is_apostrophe (d))
                    g_string_append_c (word, '\'');
                  else
                    g_string_append_len (word, q, g_utf8_next_char (q) - q);
                }
              push (tokens, base, start, p, SD_TOKEN_WORD);
              g_free (g_array_index (tokens, SdToken, tokens->len - 1).text);
              g_array_index (tokens, SdToken, tokens->len - 1).text = g_string_free (word, FALSE);
            }
          else
            push (tokens, base, start, p, numeric ? SD_TOKEN_NUMBER : SD_TOKEN_WORD);
          continue;
        }

      if (sd_unichar_is_emoji (c))
        {
          const char *start = p;
          gboolean flag = c >= 0x1F1E6 && c <= 0x1F1FF;

          p = next;
          /* A flag is a pair of regional indicators. */
          if (flag && g_utf8_get_char (p) >= 0x1F1E6 && g_utf8_get_char (p) <= 0x1F1FF)
            p = g_utf8_next_char (p);
          while (*p)
            {
              gunichar d = g_utf8_get_char (p);
              if (is_emoji_modifier (d))
                p = g_utf8_next_char (p);
              else if (d == 0x200D && sd_unichar_is_emoji (g_utf8_get_char (g_utf8_next_char (p))))
                p = g_utf8_next_char (g_utf8_next_char (p));
              else
                break;
            }
          push (tokens, base, start, p, SD_TOKEN_EMOJI);
          continue;
        }

      if ((flags & SD_TOKENIZE_KEEP_PUNCT) && g_unichar_ispunct (c))
        push (tokens, base, p, next, SD_TOKEN_PUNCT);
      /* Spaces, controls, format characters and dropped punctuation separate tokens. */
      p = next;
    }

  return tokens;
}

GArray *
sd_tokenize (const char      *text,
             gssize           length,
             SdTokenizeFlags  flags)
{
  g_autofree char *normalized = sd_tokenizer_normalize (text, length, flags);
  return sd_tokenize_normalized (normalized, flags);
}

const char *
sd_token_kind_to_string (SdTokenKind kind)
{
  switch (kind)
    {
    case SD_TOKEN_WORD: return "word";
    case SD_TOKEN_NUMBER: return "number";
    case SD_TOKEN_CJK: return "cjk";
    case SD_TOKEN_CJK_BIGRAM: return "cjk-bigram";
    case SD_TOKEN_PUNCT: return "punct";
    case SD_TOKEN_EMOJI: return "emoji";
    default: return "unknown";
    }
}
