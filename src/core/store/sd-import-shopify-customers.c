/* sd-import-shopify-customers.c — Shopify's customers export
 *
 * Customers are keyed by their e-mail (lower case), as in the orders export, so an
 * order imported later finds its customer; a customer without e-mail falls back to
 * “shopify-<Customer ID>” (without the apostrophe Shopify writes before it so that a
 * spreadsheet keeps the digits), and in older exports, which have no Customer ID, to
 * the phone number or to the name and address. Both header generations are read
 * (Country Code or Default Address Country Code; Accepts Marketing or Accepts Email
 * Marketing).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-import-private.h"

typedef struct {
  int id, first, last, email, country, tags, phone, address, zip;
} State;

static gpointer
state_new (void)
{
  return g_new0 (State, 1);
}

static const char *const required[] = { "first name", "last name", "email", NULL };

static int
match (char  **header,
       guint   n_header)
{
  static const char *const optional[] = { "customer id", "total spent", "total orders",
                                          "default address country code", "country code",
                                          "accepts marketing", "accepts email marketing", NULL };
  int score = sd_import_match_columns (header, n_header, required, optional);

  /* The orders export has an Email column too, but never First Name. */
  return score > 30 ? score : 0;
}

static gboolean
begin (SdImportContext  *ctx,
       GError          **error)
{
  State *s = ctx->state;

  s->id = sd_import_column (ctx, (const char *const[]) { "customer id", "id", NULL });
  s->country = sd_import_column (ctx, (const char *const[]) { "default address country code", "country code",
                                                             "default address country", "country", NULL });
  s->tags = sd_import_column (ctx, (const char *const[]) { "tags", NULL });
  s->phone = sd_import_column (ctx, (const char *const[]) { "phone", "default address phone", NULL });
  s->address = sd_import_column (ctx, (const char *const[]) { "address1", "default address address1", NULL });
  s->zip = sd_import_column (ctx, (const char *const[]) { "zip", "default address zip", NULL });
  return sd_import_require (ctx, (const char *const[]) { "first name", NULL }, &s->first, error) &&
         sd_import_require (ctx, (const char *const[]) { "last name", NULL }, &s->last, error) &&
         sd_import_require (ctx, (const char *const[]) { "email", NULL }, &s->email, error);
}

static gboolean
row (SdImportContext  *ctx,
     GError          **error)
{
  State *s = ctx->state;
  const char *email = sd_import_field_or_null (ctx, s->email);
  const char *id = sd_import_field_or_null (ctx, s->id);
  const char *phone = sd_import_field_or_null (ctx, s->phone);
  g_autofree char *lower = email ? g_ascii_strdown (email, -1) : NULL;
  g_autofree char *key = NULL;
  g_autofree char *name = NULL;
  g_autofree char *segment = sd_import_normalize_tags (sd_import_field_or_null (ctx, s->tags));
  SdImportCustomer c = { 0 };

  if (id && *id == '\'')
    id = id[1] ? id + 1 : NULL;
  /* “7.02255E+12”: a spreadsheet rounded the id, so two customers may share it. */
  if (id && (strchr (id, 'E') || strchr (id, 'e')))
    sd_import_count (ctx, "customer-ids-rounded-by-a-spreadsheet");
  if (phone && *phone == '\'')
    phone = phone[1] ? phone + 1 : NULL;
  name = g_strstrip (g_strjoin (" ", sd_import_field (ctx, s->first), sd_import_field (ctx, s->last), NULL));

  if (lower)
    key = sd_import_identity (ctx, lower);
  else if (id)
    key = g_strconcat ("shopify-", id, NULL);
  else if (phone)
    {
      g_autofree char *hashed = sd_import_identity (ctx, phone);
      key = g_strconcat ("shopify-phone:", hashed, NULL);
    }
  else if (*name)
    {
      /* The address tells apart two “User Test”s. */
      g_autofree char *who = g_strjoin ("|", name, sd_import_field (ctx, s->address), sd_import_field (ctx, s->zip), NULL);
      g_autofree char *hashed = sd_import_identity (ctx, who);
      key = g_strconcat ("shopify-name:", hashed, NULL);
    }
  else
    return sd_import_reject (ctx, _("neither an e-mail, a customer id, a phone number nor a name"));
  if (lower == NULL)
    sd_import_count (ctx, "customers-without-email");

  c.external_id = key;
  c.name = *name ? name : NULL;
  c.email = lower;
  c.country = sd_import_field_or_null (ctx, s->country);
  c.segment = segment;
  return sd_import_customer_full (ctx, &c, error) >= 0;
}

const SdImportFormatInfo sd_import_shopify_customers = {
  .format = SD_IMPORT_SHOPIFY_CUSTOMERS,
  .name = "shopify-customers",
  .label = N_("Shopify customers"),
  .match = match,
  .begin = begin,
  .row = row,
  .state_new = state_new,
  .state_free = g_free,
  .has_header = TRUE,
  .required = required,
};
