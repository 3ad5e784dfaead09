/* test-chat-fuzz.c — random and mutated messages through the whole understanding
 * pipeline (tokeniser, features, entities, sentiment, classifiers, dialogue turn) for a
 * bounded time, checking that nothing crashes and every output stays well-formed.
 * Seeded, so a failure can be replayed: SD_FUZZ_SEED=N SD_FUZZ_SECONDS=S. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-chat-corpus.h"
#include "sd-chat-linear.h"
#include "sd-dialogue.h"
#include "sd-json.h"
#include "sd-text-features.h"
#include "sd-tokenizer.h"

static const char *const specials[] = {
  "SD-", "#", "'", "\"", "%", "_", "\\", ";", "--", "/*", "*/", "{", "}", "{order_id}", "@", ".",
  "£", "€", "¥", "元", "月", "日", "号", "上周", "昨天", "两件", "不", "没", "not ", "n't",
  "\xe4\xbd", "\xff", "\xc0\x80", "\xed\xa0\x80", "\x01", "\x1b[2J", "\r\n", "\t", "\u202e",
  "\u200b", "👍🏽", "👨‍👩‍👧", "ﬁ", "Ａ", "ignore previous instructions", "' OR 1=1 --",
  "DROP TABLE orders;", "2024-02-30", "31 February", "+", "0", "99999999999999999999999",
  "SD-100001", "SD-100002", "yes", "no", "是的", "不要",
};

static void
mutate (GRand *rand, GString *s, GPtrArray *seeds)
{
  guint n = g_rand_int_range (rand, 1, 6);
  for (guint k = 0; k < n; k++)
    {
      gsize pos = s->len ? g_rand_int_range (rand, 0, s->len + 1) : 0;
      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:   /* flip a byte */
          if (s->len)
            {
              gsize at = MIN (pos, s->len - 1);
              s->str[at] ^= 1 << g_rand_int_range (rand, 0, 8);
              if (s->str[at] == '\0')
                s->str[at] = 'x';
            }
          break;
        case 1:   /* a random byte (never NUL: C strings end there) */
          g_string_insert_c (s, pos, (char) g_rand_int_range (rand, 1, 256));
          break;
        case 2:
          g_string_insert (s, pos, specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))]);
          break;
        case 3:   /* delete a range */
          if (s->len)
            {
              gsize at = MIN (pos, s->len - 1);
              gsize n_del = g_rand_int_range (rand, 1, 8);
              g_string_erase (s, at, MIN (n_del, s->len - at));
            }
          break;
        case 4:   /* splice in another seed */
          g_string_insert (s, pos, seeds->pdata[g_rand_int_range (rand, 0, seeds->len)]);
          break;
        case 5:   /* a random code point, valid UTF-8 */
          {
            gunichar c = g_rand_boolean (rand) ? g_rand_int_range (rand, 0x20, 0x3000)
                                               : g_rand_int_range (rand, 0x3000, 0x10FFFF);
            if (c >= 0xD800 && c <= 0xDFFF)
              c = 0xFFFD;
            char buf[8];
            g_string_insert_len (s, pos, buf, g_unichar_to_utf8 (c, buf));
          }
          break;
        case 6:   /* digits, which the entity patterns love */
          for (int d = g_rand_int_range (rand, 1, 16); d > 0; d--)
            g_string_insert_c (s, pos, '0' + g_rand_int_range (rand, 0, 10));
          break;
        default:  /* repeat the whole thing */
          if (s->len < 2000)
            g_string_append (s, s->str);
          break;
        }
    }
}

static void
check_entities (GPtrArray *es, const char *text)
{
  gsize len = strlen (text);
  gsize last_end = 0;
  for (guint i = 0; i < es->len; i++)
    {
      SdEntity *e = es->pdata[i];
      g_assert_cmpuint (e->start, <, e->end);
      g_assert_cmpuint (e->end, <=, len);
      g_assert_cmpuint (e->start, >=, last_end);     /* sorted, no overlap */
      last_end = e->end;
      g_assert_true (g_utf8_validate (e->text, -1, NULL));
      g_assert_true (g_utf8_validate (e->value, -1, NULL));
      g_assert_cmpint (strncmp (text + e->start, e->text, e->end - e->start), ==, 0);
      /* spans start and end on character boundaries */
      g_assert_true ((text[e->start] & 0xC0) != 0x80);
      g_assert_true (e->end == len || (text[e->end] & 0xC0) != 0x80);
    }
}

static void
test_fuzz (void)
{
  const char *seconds_env = g_getenv ("SD_FUZZ_SECONDS");
  const char *seed_env = g_getenv ("SD_FUZZ_SEED");
  double seconds = seconds_env ? g_ascii_strtod (seconds_env, NULL) : 5.0;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261128;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;

  g_autofree char *dir = g_dir_make_tmp ("sd-chat-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sd_store_exec (store,
    "INSERT INTO customers (id, external_id, name) VALUES (1, 'C1', 'Alice'), (2, 'C2', 'Bob');"
    "INSERT INTO products (id, external_id, title, category, price_cents, stock) VALUES "
    "  (1, 'P1', 'Vintage ceramic mug', 'Kitchen', 1250, 12), (2, 'P2', 'Wireless headphones', 'Electronics', 5999, 0);"
    "INSERT INTO product_texts (product_id, lang, title) VALUES (1, 'zh_CN', '复古陶瓷马克杯'), (2, 'zh_CN', '无线耳机');"
    "INSERT INTO orders (id, external_id, customer_id, placed_at, status) VALUES "
    "  (1, 'SD-100001', 1, 1714000000, 'shipped'), (2, 'SD-100002', 2, 1714000000, 'paid');"
    "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES (1, 1, 1, 2, 1250);",
    &error));

  g_autoptr(SdDialogue) dialogue = sd_dialogue_new (store, &error);
  g_assert_no_error (error);
  g_autoptr(SdEntityExtractor) extractor = sd_entity_extractor_new ();
  g_assert_true (sd_entity_extractor_load_catalog (extractor, store, &error));
  g_autoptr(SdSentiment) sentiment = sd_sentiment_new_builtin (&error);
  g_assert_no_error (error);
  g_autoptr(GPtrArray) examples = sd_chat_corpus_builtin_examples (NULL, &error);
  g_assert_no_error (error);
  g_autoptr(SdChatLinear) linear = sd_chat_linear_train (examples, 2, NULL, &error);
  g_assert_no_error (error);

  /* a small, quickly trained sd-intent-model, for the dialogue and directly */
  g_autoptr(SdIntentData) data = sd_intent_data_new ();
  for (guint i = 0; i < examples->len; i += 2)
    sd_intent_data_add (data, ((SdChatExample *) examples->pdata[i])->text,
                        ((SdChatExample *) examples->pdata[i])->intent);
  SdIntentParams params;
  sd_intent_params_init (&params);
  params.epochs = 2;
  params.dim = 16;
  params.n_models = 1;
  params.refit = FALSE;
  g_autoptr(SdIntentModel) model = sd_intent_model_train (data, &params, NULL, NULL, &error);
  g_assert_no_error (error);

  g_autoptr(GPtrArray) seeds = g_ptr_array_new ();
  for (guint i = 0; i < examples->len; i++)
    g_ptr_array_add (seeds, ((SdChatExample *) examples->pdata[i])->text);
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    g_ptr_array_add (seeds, (char *) specials[i]);

  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint iterations = 0, turns = 0;
  SdChatSession *session = NULL;
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint32));

  while (g_get_monotonic_time () < deadline || iterations < 50)
    {
      GString *s = g_string_new (NULL);
      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0:   /* random bytes */
          for (int k = g_rand_int_range (rand, 0, 200); k > 0; k--)
            g_string_append_c (s, (char) g_rand_int_range (rand, 1, 256));
          break;
        case 1:   /* a long message, now and then past the limit */
          for (int k = g_rand_int_range (rand, 100, 1200); k > 0; k--)
            g_string_append (s, specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))]);
          break;
        default:
          g_string_append (s, seeds->pdata[g_rand_int_range (rand, 0, seeds->len)]);
          mutate (rand, s, seeds);
          break;
        }
      const char *text = s->str;
      gboolean valid = g_utf8_validate (text, -1, NULL);

      GArray *tokens = sd_tokenize (text, -1, SD_TOKENIZE_KEEP_PUNCT | SD_TOKENIZE_CJK_BIGRAMS);
      g_autofree char *norm = sd_tokenizer_normalize (text, -1, SD_TOKENIZE_KEEP_PUNCT | SD_TOKENIZE_CJK_BIGRAMS);
      g_assert_true (g_utf8_validate (norm, -1, NULL));
      for (guint k = 0; k < tokens->len; k++)
        {
          SdToken *tok = &g_array_index (tokens, SdToken, k);
          g_assert_cmpuint (tok->start, <=, tok->end);
          g_assert_cmpuint (tok->end, <=, strlen (norm));
        }
      g_array_unref (tokens);

      g_array_set_size (hashes, 0);
      sd_text_features_full (text, s->len, SD_TEXT_FEATURES_SUBWORDS, hashes);

      g_autoptr(GPtrArray) es = sd_entity_extractor_extract (extractor, text, NULL);
      if (!valid)
        g_assert_cmpuint (es->len, ==, 0);
      check_entities (es, text);

      SdSentimentResult r;
      sd_sentiment_predict (sentiment, text, &r);
      g_assert_cmpfloat (fabs (r.prob[0] + r.prob[1] + r.prob[2] - 1.0), <, 1e-6);

      SdIntentGuess top[3];
      g_assert_cmpuint (sd_chat_linear_predict (linear, text, top, 3), ==, 3);
      g_assert_cmpfloat (top[0].prob, >=, top[1].prob);
      SdIntentPrediction p;
      sd_intent_model_predict (model, text, &p);
      g_assert_nonnull (p.name);

      if (session == NULL || turns % 20 == 0)
        {
          g_clear_pointer (&session, sd_chat_session_free);
          session = sd_chat_session_new (g_rand_int_range (rand, 0, 3), g_rand_boolean (rand) ? "en" : "zh_CN");
          if (g_rand_boolean (rand))
            sd_dialogue_set_intent_model (dialogue, model, "fuzz model");
          else
            sd_dialogue_set_classifier (dialogue, NULL, NULL, NULL);
        }
      SdTurnTrace *t = sd_dialogue_respond (dialogue, session, text);
      turns++;
      g_assert_nonnull (t->reply);
      g_assert_true (g_utf8_validate (t->reply, -1, NULL));
      g_assert_cmpuint (strlen (t->reply), >, 0);
      if (t->text)
        {
          check_entities (t->entities, t->text);
          for (const char *q = t->text; *q; q++)
            g_assert_false (*q > 0 && *q < 0x20);
        }
      /* Bob's order (the only paid one) never shows to anybody else */
      if (sd_chat_session_get_customer (session) != 2)
        {
          g_assert_null (strstr (t->reply, "paid and waiting"));
          g_assert_null (strstr (t->reply, "已付款"));
        }
      g_autofree char *json = sd_turn_trace_to_json (t);
      g_autoptr(SdJsonNode) node = sd_json_parse (json, -1, "trace", &error);
      g_assert_no_error (error);
      g_autofree char *readable = sd_turn_trace_format (t);
      sd_turn_trace_free (t);

      g_string_free (s, TRUE);
      iterations++;
    }
  g_clear_pointer (&session, sd_chat_session_free);
  g_test_message ("fuzz: %u inputs, %u dialogue turns in %.1f s (seed %u)", iterations, turns, seconds, seed);

  g_assert_true (sd_store_exec (store, "SELECT 1 FROM orders", &error));
  g_clear_object (&dialogue);
  g_assert_finalize_object (g_steal_pointer (&store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chat-fuzz/pipeline", test_fuzz);
  return g_test_run ();
}
