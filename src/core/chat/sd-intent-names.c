/* sd-intent-names.c — the chatbot's intents as people read them */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-intent-names.h"

static const struct {
  const char *intent;
  const char *title;
} titles[] = {
  { "account_help",           N_("Account help") },
  { "affirm",                 N_("Yes") },
  { "cancel_order",           N_("Cancel an order") },
  { "change_address",         N_("Change the address") },
  { "complaint",              N_("Complaint") },
  { "coupons_discounts",      N_("Coupons and discounts") },
  { "delivery_problem",       N_("Delivery problem") },
  { "deny",                   N_("No") },
  { "goodbye",                N_("Goodbye") },
  { "greeting",               N_("Greeting") },
  { "invoice_request",        N_("Invoice") },
  { "opening_hours",          N_("Opening hours") },
  { "order_status",           N_("Order status") },
  { "out_of_scope",           N_("Out of scope") },
  { "payment_problem",        N_("Payment problem") },
  { "product_question",       N_("Product question") },
  { "product_search",         N_("Product search") },
  { "recommendation_request", N_("Recommendation") },
  { "return_refund",          N_("Return or refund") },
  { "shipping_cost",          N_("Shipping cost") },
  { "shipping_time",          N_("Shipping time") },
  { "size_fit",               N_("Size and fit") },
  { "stock_availability",     N_("In stock?") },
  { "talk_to_human",          N_("Talk to a person") },
  { "thanks",                 N_("Thanks") },
  { "track_package",          N_("Track a parcel") },
  { "warranty",               N_("Warranty") },
};

const char *
sd_intent_title (const char *intent)
{
  if (intent == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (titles[i].intent, intent) == 0)
      return _(titles[i].title);
  return intent;
}
