/* sd-toasts.c — toasts shown one after another, never two leaving the screen at once */
#include "config.h"

#include "sd-toasts.h"

/* libadwaita's hide animation lasts 300 ms; a little more, so a frame late is no matter */
#define FADE_MS 400

typedef struct {
  AdwToastOverlay *overlay;       /* owns this state */
  GQueue           pending;       /* of Pending */
  AdwToast        *shown;         /* on screen, not yet dismissed; no reference */
  gint64           faded_at;      /* monotonic µs when the last one has faded out */
  guint            source;
} Toasts;

typedef struct {
  char  *message;
  guint  timeout;
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->message);
  g_free (p);
}

static void dismissed_cb (AdwToast *toast, Toasts *t);

static void
toasts_free (Toasts *t)
{
  if (t->shown)
    g_signal_handlers_disconnect_by_func (t->shown, dismissed_cb, t);
  g_clear_handle_id (&t->source, g_source_remove);
  g_queue_clear_full (&t->pending, (GDestroyNotify) pending_free);
  g_free (t);
}

static void pump (Toasts *t);

static gboolean
pump_cb (gpointer data)
{
  Toasts *t = data;

  t->source = 0;
  pump (t);
  return G_SOURCE_REMOVE;
}

static void
dismissed_cb (AdwToast *toast,
              Toasts   *t)
{
  if (t->shown != toast)
    return;
  t->shown = NULL;
  t->faded_at = g_get_monotonic_time () + FADE_MS * 1000;
  pump (t);
}

static void
pump (Toasts *t)
{
  gint64 now = g_get_monotonic_time ();
  Pending *p;
  AdwToast *toast;

  if (t->shown || t->source || g_queue_is_empty (&t->pending))
    return;
  if (now < t->faded_at)
    {
      t->source = g_timeout_add ((guint) ((t->faded_at - now + 999) / 1000), pump_cb, t);
      return;
    }
  p = g_queue_pop_head (&t->pending);
  toast = adw_toast_new (p->message);
  adw_toast_set_timeout (toast, p->timeout);
  pending_free (p);
  t->shown = toast;
  /* the state lives as long as the overlay, which the toast never outlives while shown */
  g_signal_connect (toast, "dismissed", G_CALLBACK (dismissed_cb), t);
  adw_toast_overlay_add_toast (t->overlay, toast);
}

void
sd_toasts_show (AdwToastOverlay *overlay,
                const char      *message,
                guint            timeout)
{
  Toasts *t;
  Pending *p;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (message != NULL);

  t = g_object_get_data (G_OBJECT (overlay), "sd-toasts");
  if (t == NULL)
    {
      t = g_new0 (Toasts, 1);
      t->overlay = overlay;
      g_queue_init (&t->pending);
      g_object_set_data_full (G_OBJECT (overlay), "sd-toasts", t, (GDestroyNotify) toasts_free);
    }
  p = g_new0 (Pending, 1);
  p->message = g_strdup (message);
  p->timeout = timeout;
  g_queue_push_tail (&t->pending, p);
  pump (t);
}

static AdwToastOverlay *
find_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwToastOverlay *found = find_overlay (child);
      if (found)
        return found;
    }
  return NULL;
}

void
sd_toasts_show_in (GtkWidget  *widget,
                   const char *message,
                   guint       timeout)
{
  AdwToastOverlay *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  /* libadwaita 1.2 has no getter for a preferences window's overlay: it is found */
  overlay = find_overlay (widget);
  g_return_if_fail (overlay != NULL);
  sd_toasts_show (overlay, message, timeout);
}
