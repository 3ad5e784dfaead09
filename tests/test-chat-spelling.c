/* test-chat-spelling.c — one-letter slips mended against the training examples' words */
#include "config.h"

#include <string.h>

#include "sd-chat-corpus.h"
#include "sd-chat-linear.h"
#include "sd-chat-spelling.h"

static void
add (GPtrArray *examples, const char *intent, const char *text)
{
  SdChatExample *e = g_new0 (SdChatExample, 1);
  e->intent = g_strdup (intent);
  e->lang = g_strdup ("en");
  e->text = g_strdup (text);
  g_ptr_array_add (examples, e);
}

static GPtrArray *
examples (void)
{
  GPtrArray *ex = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_example_free);
  add (ex, "cancel_order", "please cancel my order");
  add (ex, "cancel_order", "cancel order SD12345");
  add (ex, "order_status", "where is my order");
  add (ex, "track_package", "track my package");
  add (ex, "return_refund", "I want a refund");
  add (ex, "payment_problem", "my card was declined");
  add (ex, "payment_problem", "card payment failed");
  add (ex, "payment_problem", "the card does not work");
  add (ex, "product_search", "do you sell a cart");
  add (ex, "product_search", "the bull figurine");
  add (ex, "return_refund", "退款进度");
  return ex;
}

static void
expect (SdChatSpelling *sp, const char *text, const char *want)
{
  g_autofree char *got = sd_chat_spelling_correct (sp, text);
  g_test_message ("%s → %s", text, got);
  g_assert_cmpstr (got, ==, want);
}

static void
test_mends (void)
{
  g_autoptr(GPtrArray) ex = examples ();
  g_autoptr(SdChatSpelling) sp = sd_chat_spelling_new (ex);

  g_assert_cmpuint (sd_chat_spelling_count (sp, "order"), ==, 3);
  g_assert_cmpuint (sd_chat_spelling_count (sp, "sd12345"), ==, 0);
  /* each kind of slip: a letter added, dropped, swapped, changed */
  expect (sp, "cancell my ordr", "cancel my order");
  expect (sp, "Where is my pakcage?", "Where is my package?");
  expect (sp, "tarck it", "track it");
  /* the more frequent of two neighbours: card (4) over cart (1) */
  expect (sp, "my carx", "my card");
  /* known words, words too short to tell, words with no neighbour stay as written */
  expect (sp, "Please CANCEL my Order", "Please CANCEL my Order");
  expect (sp, "teh odr", "teh odr");
  expect (sp, "xylophone", "xylophone");
  /* a word that names a shop concept stays unless its neighbour names the same one
   * ("bill" is an invoice, "bull" nothing; "refunds" and "refund": refund*) */
  expect (sp, "the bill", "the bill");
  expect (sp, "refunds", "refund");
  expect (sp, "refnud", "refund");
  /* order numbers, words with apostrophes, Chinese and emoji are left alone */
  expect (sp, "SD12346 ordr", "SD12346 order");
  expect (sp, "I cann't", "I cann't");
  expect (sp, "退款进度呢 🙂 ordr", "退款进度呢 🙂 order");
  expect (sp, "", "");
  /* a word longer than any slip is worth mending, and text with nothing to mend */
  g_autofree char *long_word = g_strnfill (400, 'a');
  expect (sp, long_word, long_word);
}

/* What the fallback classifier reads is the mended text, also when it comes from the
 * cache (the cache holds weights, not words). */
static void
test_linear_reads_mended (void)
{
  g_autoptr(GPtrArray) ex = examples ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdChatLinear) linear = sd_chat_linear_train (ex, 12, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *mended = sd_chat_linear_correct_spelling (linear, "cancell my ordr");
  g_assert_cmpstr (mended, ==, "cancel my order");

  g_autofree double *slip = g_new (double, sd_chat_linear_get_n_intents (linear));
  g_autofree double *right = g_new (double, sd_chat_linear_get_n_intents (linear));
  sd_chat_linear_predict_probs (linear, "cancell my ordr", slip);
  sd_chat_linear_predict_probs (linear, "cancel my order", right);
  for (guint c = 0; c < sd_chat_linear_get_n_intents (linear); c++)
    g_assert_cmpfloat_with_epsilon (slip[c], right[c], 1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chat-spelling/mends", test_mends);
  g_test_add_func ("/chat-spelling/linear-reads-mended", test_linear_reads_mended);
  return g_test_run ();
}
