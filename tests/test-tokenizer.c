/* test-tokenizer.c — tokens of mixed English, Chinese, emoji and broken text */
#include "config.h"

#include <string.h>

#include "sd-tokenizer.h"

/* "text/kind text/kind ..." for compact comparisons. */
static char *
describe (GArray *tokens)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < tokens->len; i++)
    {
      SdToken *t = &g_array_index (tokens, SdToken, i);
      g_string_append_printf (out, "%s%s/%s", i ? " " : "", t->text, sd_token_kind_to_string (t->kind));
    }
  return g_string_free (out, FALSE);
}

static void
check (const char      *text,
       SdTokenizeFlags  flags,
       const char      *expected)
{
  g_autoptr(GArray) tokens = sd_tokenize (text, -1, flags);
  g_autofree char *got = describe (tokens);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_mixed (void)
{
  check ("Hello, World! I don't like it \xF0\x9F\x98\x80 订单在哪里？",
         SD_TOKENIZE_DEFAULT,
         "hello/word world/word i/word don't/word like/word it/word \xF0\x9F\x98\x80/emoji "
         "订/cjk 单/cjk 在/cjk 哪/cjk 里/cjk");
  check ("我的iPhone12订单 #A-1001 还没到 :(",
         SD_TOKENIZE_CJK_BIGRAMS | SD_TOKENIZE_KEEP_PUNCT,
         "我/cjk 的/cjk 我的/cjk-bigram iphone12/word 订/cjk 单/cjk 订单/cjk-bigram #/punct "
         "a/word -/punct 1001/number 还/cjk 没/cjk 还没/cjk-bigram 到/cjk 没到/cjk-bigram "
         ":/punct (/punct");
  /* Punctuation between CJK characters breaks the bigram chain. */
  check ("好的，谢谢", SD_TOKENIZE_CJK_BIGRAMS,
         "好/cjk 的/cjk 好的/cjk-bigram 谢/cjk 谢/cjk 谢谢/cjk-bigram");
  check ("好的，谢谢", SD_TOKENIZE_KEEP_PUNCT, "好/cjk 的/cjk ,/punct 谢/cjk 谢/cjk");
  /* Japanese and Korean are CJK too. */
  check ("こんにちはカード 안녕", SD_TOKENIZE_DEFAULT,
         "こ/cjk ん/cjk に/cjk ち/cjk は/cjk カ/cjk ー/cjk ド/cjk 안/cjk 녕/cjk");
}

static void
test_normalisation (void)
{
  g_autofree char *norm = NULL;

  /* Full-width letters, digits and punctuation become ASCII; case is folded. */
  check ("Ｆｕｌｌ ＷＩＤＴＨ １２３！", SD_TOKENIZE_KEEP_PUNCT,
         "full/word width/word 123/number !/punct");
  check ("ÉCOLE Straße ΣΟΦΙΑ", SD_TOKENIZE_DEFAULT, "école/word strasse/word σοφια/word");
  check ("ÉCOLE", SD_TOKENIZE_KEEP_CASE, "ÉCOLE/word");
  /* Decomposed accents are composed (NFKC). */
  check ("cafe\xCC\x81", SD_TOKENIZE_DEFAULT, "café/word");
  /* Ligatures and circled digits are compatibility forms. */
  check ("\xEF\xAC\x81nd \xE2\x91\xA0", SD_TOKENIZE_DEFAULT, "find/word 1/number");

  norm = sd_tokenizer_normalize ("ＡＢＣ", -1, SD_TOKENIZE_DEFAULT);
  g_assert_cmpstr (norm, ==, "abc");
}

static void
test_words_and_numbers (void)
{
  /* Curly and straight apostrophes give the same word; leading and trailing ones drop. */
  check ("Don\xE2\x80\x99t 'quoted' customers' o'clock", SD_TOKENIZE_DEFAULT,
         "don't/word quoted/word customers/word o'clock/word");
  check ("It costs $3.50, or 1,000 yen. Version 2.", SD_TOKENIZE_KEEP_PUNCT,
         "it/word costs/word $/punct 3.50/number ,/punct or/word 1,000/number yen/word ./punct "
         "version/word 2/number ./punct");
  check ("e-mail: a.b@x.com", SD_TOKENIZE_DEFAULT, "e/word mail/word a/word b/word x/word com/word");
  check ("   \t\n  ", SD_TOKENIZE_KEEP_PUNCT, "");
  check ("", SD_TOKENIZE_DEFAULT, "");
}

static void
test_emoji (void)
{
  /* A family (ZWJ sequence), a flag, a skin tone, a heart with a variation selector. */
  check ("ok\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
         "\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xE2\x9D\xA4\xEF\xB8\x8F",
         SD_TOKENIZE_DEFAULT,
         "ok/word \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7/emoji "
         "\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3/emoji \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD/emoji "
         "\xE2\x9D\xA4\xEF\xB8\x8F/emoji");
  g_assert_true (sd_unichar_is_emoji (0x1F600));
  g_assert_false (sd_unichar_is_emoji ('a'));
  g_assert_true (sd_unichar_is_cjk (0x4E2D));
  g_assert_false (sd_unichar_is_cjk (0x3002));   /* 。 is punctuation */
}

static void
test_offsets (void)
{
  const char *text = "Where is MY order 订单？ 😀 It’s late";
  g_autofree char *norm = sd_tokenizer_normalize (text, -1, SD_TOKENIZE_CJK_BIGRAMS);
  g_autoptr(GArray) tokens = sd_tokenize_normalized (norm, SD_TOKENIZE_CJK_BIGRAMS);

  g_assert_cmpuint (tokens->len, >, 5);
  for (guint i = 0; i < tokens->len; i++)
    {
      SdToken *t = &g_array_index (tokens, SdToken, i);
      g_autofree char *span = g_strndup (norm + t->start, t->end - t->start);
      g_assert_cmpuint (t->end, <=, strlen (norm));
      /* The span is the token, except where a curly apostrophe was straightened. */
      if (strstr (span, "\xE2\x80\x99") == NULL)
        g_assert_cmpstr (span, ==, t->text);
      else
        g_assert_cmpstr (t->text, ==, "it's");
    }
}

static void
test_hyphens (void)
{
  /* Without the flag a hyphen separates; with it, one between word characters joins. */
  check ("t-shirt wi-fi top_up", SD_TOKENIZE_DEFAULT, "t/word shirt/word wi/word fi/word top/word up/word");
  check ("Tie-dye T-shirt, top_up 2024-05-01 3-pack -x y- a--b", SD_TOKENIZE_JOIN_HYPHENS,
         "tie-dye/word t-shirt/word top_up/word 2024-05-01/number 3-pack/word x/word y/word "
         "a/word b/word");
  check ("re-order! -", SD_TOKENIZE_JOIN_HYPHENS | SD_TOKENIZE_KEEP_PUNCT,
         "re-order/word !/punct -/punct");
  /* The non-breaking hyphen is NFKC'd to U+2010, which joins too. */
  check ("e\xE2\x80\x91mail", SD_TOKENIZE_JOIN_HYPHENS, "e\xE2\x80\x90mail/word");
  /* CJK characters stay tokens of their own. */
  check ("订单-SD-1", SD_TOKENIZE_JOIN_HYPHENS, "订/cjk 单/cjk sd-1/word");
}

/* On text that is not normalised, offsets index that text: what the entity extractor
 * needs for its spans. */
static void
test_raw_offsets (void)
{
  const char *text = "Ｆｕｌｌ WIDTH “Don’t” 订单 T-Shirt";
  g_autoptr(GArray) tokens = sd_tokenize_normalized (text, SD_TOKENIZE_JOIN_HYPHENS);
  g_autofree char *got = describe (tokens);

  g_assert_cmpstr (got, ==, "Ｆｕｌｌ/word WIDTH/word Don't/word 订/cjk 单/cjk T-Shirt/word");
  for (guint i = 0; i < tokens->len; i++)
    {
      SdToken *t = &g_array_index (tokens, SdToken, i);
      g_autofree char *span = g_strndup (text + t->start, t->end - t->start);
      if (strcmp (t->text, "Don't") == 0)
        g_assert_cmpstr (span, ==, "Don’t");
      else
        g_assert_cmpstr (span, ==, t->text);
    }
}

static void
test_broken_input (void)
{
  /* Invalid UTF-8, NULs and control characters. */
  const char bad[] = "abc\xFF\xFE" "def\x01\x02 \xE4\xB8 ghi\x00jkl";
  g_autoptr(GArray) tokens = sd_tokenize (bad, sizeof bad - 1, SD_TOKENIZE_KEEP_PUNCT);

  for (guint i = 0; i < tokens->len; i++)
    g_assert_true (g_utf8_validate (g_array_index (tokens, SdToken, i).text, -1, NULL));
  g_assert_cmpstr (g_array_index (tokens, SdToken, 0).text, ==, "abc");
}

static void
test_huge_input (void)
{
  gsize size = 1 << 20;
  g_autofree char *huge = g_malloc (size + 1);
  g_autofree char *norm = NULL;
  g_autoptr(GArray) tokens = NULL;
  gint64 start;

  /* A megabyte of "订单 " with a multi-byte character across the cut. */
  for (gsize i = 0; i < size; i++)
    huge[i] = "\xE8\xAE\xA2\xE5\x8D\x95 "[i % 7];
  huge[size] = '\0';

  start = g_get_monotonic_time ();
  norm = sd_tokenizer_normalize (huge, -1, SD_TOKENIZE_DEFAULT);
  tokens = sd_tokenize (huge, -1, SD_TOKENIZE_CJK_BIGRAMS);
  g_assert_cmpuint (strlen (norm), <=, SD_TOKENIZER_MAX_BYTES);
  g_assert_true (g_utf8_validate (norm, -1, NULL));
  /* Nothing of the cut character survives as a replacement character. */
  g_assert_null (strstr (norm, "\xEF\xBF\xBD"));
  g_assert_cmpuint (tokens->len, <=, SD_TOKENIZER_MAX_BYTES);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* Bounded fuzzing with random bytes and random code points: every token is valid,
 * non-empty UTF-8 within the normalised text. */
static void
test_random_input (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (777);

  for (int round = 0; round < 3000; round++)
    {
      char buf[256];
      gsize len = g_rand_int_range (rand, 0, sizeof buf);
      g_autofree char *norm = NULL;
      g_autoptr(GArray) tokens = NULL;
      SdTokenizeFlags flags = g_rand_int_range (rand, 0, 8);

      if (round % 2)
        for (gsize i = 0; i < len; i++)
          buf[i] = g_rand_int_range (rand, 0, 256);
      else
        {
          /* Code points from the planes that matter: ASCII, Latin, CJK, emoji, marks. */
          gsize w = 0;
          while (w + 4 < len)
            {
              static const gunichar bases[] = { 0x20, 0xC0, 0x300, 0x3000, 0x4E00, 0xAC00, 0xFF00, 0x1F300, 0x200B };
              gunichar c = bases[g_rand_int_range (rand, 0, G_N_ELEMENTS (bases))] + g_rand_int_range (rand, 0, 96);
              w += g_unichar_to_utf8 (c, buf + w);
            }
          len = w;
        }

      norm = sd_tokenizer_normalize (buf, len, flags);
      g_assert_true (g_utf8_validate (norm, -1, NULL));
      tokens = sd_tokenize_normalized (norm, flags);
      for (guint i = 0; i < tokens->len; i++)
        {
          SdToken *t = &g_array_index (tokens, SdToken, i);
          g_assert_true (t->text[0] != '\0');
          g_assert_true (g_utf8_validate (t->text, -1, NULL));
          g_assert_cmpuint (t->start, <, t->end);
          g_assert_cmpuint (t->end, <=, strlen (norm));
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tokenizer/random-input", test_random_input);
  g_test_add_func ("/tokenizer/mixed", test_mixed);
  g_test_add_func ("/tokenizer/normalisation", test_normalisation);
  g_test_add_func ("/tokenizer/words-and-numbers", test_words_and_numbers);
  g_test_add_func ("/tokenizer/emoji", test_emoji);
  g_test_add_func ("/tokenizer/offsets", test_offsets);
  g_test_add_func ("/tokenizer/hyphens", test_hyphens);
  g_test_add_func ("/tokenizer/raw-offsets", test_raw_offsets);
  g_test_add_func ("/tokenizer/broken-input", test_broken_input);
  g_test_add_func ("/tokenizer/huge-input", test_huge_input);
  return g_test_run ();
}
