/* sd-erasure.h — erasure tombstones: customers forgotten in the shop stay forgotten
 *
 * Forgetting a customer (sd-customer-erasure.h) leaves a tombstone: HMAC-SHA-256 of their
 * external id (as the shop keys it) under a key of 32 random bytes made for the shop and
 * kept in its settings (`erasure-key`). Every importer and sync asks
 * sd_erasure_is_forgotten() before writing a customer. The id itself is not kept; whoever
 * has the shop file has the key too, so they can test a guessed id, but cannot list the
 * forgotten.
 */
#pragma once

#include "sd-store.h"

G_BEGIN_DECLS

/* A forgotten customer's row keeps its place with this external id and its rowid
 * (“forgotten-42”), and nothing else. */
#define SD_FORGOTTEN_PREFIX "forgotten-"

/* The tombstone of @external_id (64 hex digits), making the shop's key on first use
 * (a write: inside the caller's transaction). */
char     *sd_erasure_tombstone    (SdStore     *store,
                                   const char  *external_id,
                                   GError     **error);
/* Records @external_id as forgotten; recording it twice is no error. */
gboolean  sd_erasure_add          (SdStore     *store,
                                   const char  *external_id,
                                   GError     **error);
/* Whether @external_id was forgotten. FALSE without a database hit when the shop has no
 * tombstones (its key is made with the first). Errors read as not forgotten: a shop whose
 * tombstones cannot be read cannot have been written either. */
gboolean  sd_erasure_is_forgotten (SdStore     *store,
                                   const char  *external_id);
gint64    sd_erasure_count        (SdStore     *store);

/* One line in the shop's audit log: @action ("forget-customer", "export-customer") and a
 * JSON @detail that must hold no personal data. */
gboolean  sd_audit_log_add        (SdStore     *store,
                                   const char  *action,
                                   const char  *detail_json,
                                   GError     **error);

G_END_DECLS
