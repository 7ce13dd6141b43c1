/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-seedancesrc
 * @title: seedancesrc
 *
 * seedancesrc generates a video clip from a text prompt (and optionally a
 * first and last frame, reference images and audio) with the Seedance 2.0
 * Fast model behind the Modellix API, and streams the resulting MP4 into
 * the pipeline as encoded bytes, so it can be followed by qtdemux,
 * decodebin or a filesink.
 *
 * Every field of the API's request has a property of the same name (with
 * '-' for '_'). When the element goes from READY to PAUSED it validates the
 * properties (nothing is sent when one is wrong), then, in its streaming
 * thread, submits the task, polls it until it ends and downloads the clip.
 * The state change returns ASYNC at once; the pipeline prerolls when the
 * first bytes of the clip arrive. Progress is posted as
 * #GST_MESSAGE_PROGRESS and as element messages named `seedance-task`.
 *
 * A submission costs money. It is never sent twice by accident: when its
 * outcome is unknown the element stops with an error naming what to check,
 * and a task that already exists is resumed with #GstSeedanceSrc:task-id.
 * A journal in #GstSeedanceSrc:cache-dir remembers the task of every
 * request and caches its clip, so another pipeline asking for the same
 * request (GES after its discoverer, a rerun after a crash) resumes the
 * task or plays the cached clip instead of paying again; see
 * #GstSeedanceSrc:cache-mode.
 *
 * The element handles `seedance://` URIs, so playbin, uridecodebin and
 * GES can use it: the query holds the properties, e.g.
 * `seedance://?prompt=a%20cat%20surfing&duration=5&ratio=16:9`; list
 * properties repeat their key; the key never goes in a URI.
 *
 * The API key comes from #GstSeedanceSrc:api-key or the environment
 * variable `MODELLIX_API_KEY`; it is sent only to #GstSeedanceSrc:api-url
 * and never logged.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 seedancesrc prompt="a red fox runs through fresh snow" \
 *     ratio=16:9 duration=5 ! filesink location=fox.mp4
 * ]| Writes the generated MP4 as delivered.
 * |[
 * gst-launch-1.0 seedancesrc prompt="a cat surfing" first-frame-image=cat.png \
 *     ! qtdemux name=d d.video_0 ! h264parse ! mp4mux ! filesink location=cat.mp4
 * ]| Sends a local image as the first frame and remuxes the video track.
 * |[
 * gst-launch-1.0 seedancesrc prompt="waves at dusk" ! decodebin ! autovideosink
 * ]| Plays the clip.
 * |[
 * gst-launch-1.0 seedancesrc prompt="the boat sails on" first-frame-image=shot1.png \
 *     return-last-frame=true last-frame-location=shot2.png ! filesink location=shot2.mp4
 * ]| Starts from the last frame of an earlier shot and writes its own, on
 * every run (from the cache when the clip is cached), to chain the next.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstseedancesrc.h"
#include "seedanceenums.h"
#include "seedanceerror.h"
#include "seedanceparamspecs.h"
#include "seedanceuri.h"

GST_DEBUG_CATEGORY_STATIC (gst_seedance_src_debug);
#define GST_CAT_DEFAULT gst_seedance_src_debug

/* What the API delivers: an MP4. Downstream must take it, or nothing is
 * generated (see gst_seedance_src_check_downstream()). */
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/quicktime"));

/* How often a source waiting for another one's submission looks again. */
#define JOURNAL_LOCK_POLL_MS 50
/* How often a source following another's run of its request looks at it:
 * it only waits, and sends nothing meanwhile. */
#define SHARED_RUN_POLL_MS 20
/* How long a journal update waits for the entry's lock. */
#define JOURNAL_UPDATE_WAIT_MS 2000
#define DEFAULT_BLOCKSIZE (64 * 1024)
/* Polls keep poll-interval for this long, then back off... */
#define POLL_STEADY_US (30 * G_USEC_PER_SEC)
/* ...by this factor up to this ceiling (or poll-interval if larger). */
#define POLL_BACKOFF_FACTOR 1.5
#define POLL_CEILING_MS 10000
/* Consecutive unusable task answers tolerated before giving up. */
#define MAX_BAD_ANSWERS 5
/* The longest wait for another pipeline's decision when timeout=0. */
#define JOURNAL_LOCK_MAX_WAIT_S (15 * 60)
/* While waiting, progress is reported at least this often. */
#define PROGRESS_EVERY_US (5 * G_USEC_PER_SEC)
#define PROGRESS_CODE "generate"

static void gst_seedance_src_finalize (GObject * object);
static void gst_seedance_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_seedance_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_seedance_src_change_state (GstElement *
    element, GstStateChange transition);
static gboolean gst_seedance_src_send_event (GstElement * element,
    GstEvent * event);
static gboolean gst_seedance_src_check_not_uncertain (GstSeedanceSrc * src,
    GError ** error);
static GstFlowReturn gst_seedance_src_interrupted (GstSeedanceSrc * src);
static GstFlowReturn gst_seedance_src_conclude_submission (GstSeedanceSrc *
    src);
static void gst_seedance_src_describe_last_frame (GstSeedanceSrc * src,
    GstStructure * s);
static GstFlowReturn gst_seedance_src_deliver_last_frame (GstSeedanceSrc *
    src, const SeedanceTask * task);
static void gst_seedance_src_release_run (GstSeedanceSrc * src,
    gboolean cached, const GError * failure);
static SeedanceReader *gst_seedance_src_new_reader (GstSeedanceSrc * src);
static gboolean gst_seedance_src_start (GstBaseSrc * bsrc);
static gboolean gst_seedance_src_stop (GstBaseSrc * bsrc);
static gboolean gst_seedance_src_unlock (GstBaseSrc * bsrc);
static gboolean gst_seedance_src_unlock_stop (GstBaseSrc * bsrc);
static gboolean gst_seedance_src_is_seekable (GstBaseSrc * bsrc);
static gboolean gst_seedance_src_get_size (GstBaseSrc * bsrc, guint64 * size);
static gboolean gst_seedance_src_query (GstBaseSrc * bsrc, GstQuery * query);
static GstFlowReturn gst_seedance_src_create (GstBaseSrc * bsrc,
    guint64 offset, guint length, GstBuffer ** buffer);


/* Errors are posted where they happen: GStreamer shows the call site's
 * file, function and line with each. */
#define GST_SEEDANCE_SRC_POST_ERROR(src, error, status, detail) \
    gst_seedance_src_post_error_at ((src), (error), (status), (detail), \
        __FILE__, GST_FUNCTION, __LINE__)
#define GST_SEEDANCE_SRC_POST_FAILURE(src, error, status, detail) \
    gst_seedance_src_post_failure_at ((src), (error), (status), (detail), \
        __FILE__, GST_FUNCTION, __LINE__)
#define GST_SEEDANCE_SRC_FAIL(src, error, status) \
    gst_seedance_src_fail_at ((src), (error), (status), __FILE__, \
        GST_FUNCTION, __LINE__)

#define gst_seedance_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstSeedanceSrc, gst_seedance_src, GST_TYPE_BASE_SRC,
    G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_seedance_src_uri_handler_init);
    GST_DEBUG_CATEGORY_INIT (gst_seedance_src_debug, "seedancesrc", 0,
        "Seedance video generation source"));
GST_ELEMENT_REGISTER_DEFINE (seedancesrc, "seedancesrc", GST_RANK_NONE,
    GST_TYPE_SEEDANCE_SRC);

static void
gst_seedance_src_class_init (GstSeedanceSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);

  gobject_class->finalize = gst_seedance_src_finalize;
  gobject_class->set_property = gst_seedance_src_set_property;
  gobject_class->get_property = gst_seedance_src_get_property;

  seedance_settings_install_properties (gobject_class);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_seedance_src_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_seedance_src_send_event);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Seedance video generation source", "Source/Network",
      "Generates a video clip from a text prompt (and optional first/last "
      "frame, reference images and audio) with Seedance 2.0 Fast through the "
      "Modellix API, and streams the MP4",
      "gst-seedance developers <gst-seedance@lists.invalid>");

  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_seedance_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_seedance_src_stop);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_seedance_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_seedance_src_unlock_stop);
  basesrc_class->is_seekable = GST_DEBUG_FUNCPTR (gst_seedance_src_is_seekable);
  basesrc_class->get_size = GST_DEBUG_FUNCPTR (gst_seedance_src_get_size);
  basesrc_class->query = GST_DEBUG_FUNCPTR (gst_seedance_src_query);
  basesrc_class->create = GST_DEBUG_FUNCPTR (gst_seedance_src_create);

  gst_type_mark_as_plugin_api (GST_TYPE_SEEDANCE_RATIO, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_SEEDANCE_RESOLUTION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_SEEDANCE_CACHE_MODE, 0);
}

/* Forgets everything of a run; the properties stay. */
static void
gst_seedance_src_reset (GstSeedanceSrc * src)
{
  seedance_reader_reset (src->reader);
  g_clear_pointer (&src->client, seedance_client_free);
  g_clear_pointer (&src->body, g_free);
  g_clear_pointer (&src->run_task_id, g_free);
  g_clear_pointer (&src->video_url, g_free);
  g_clear_pointer (&src->fingerprint, g_free);
  g_clear_pointer (&src->former_fingerprints, g_strfreev);
  g_clear_pointer (&src->run_cache_dir, g_free);
  src->body_length = 0;
  src->run_start = 0;
  src->progress_open = FALSE;
  g_clear_pointer (&src->journal, seedance_journal_free);
  src->journal_consulted = FALSE;
  src->url_refreshed = FALSE;
  src->prepared = FALSE;
  g_clear_pointer (&src->last_frame, seedance_last_frame_free);
  gst_seedance_src_release_run (src, FALSE, NULL);
  src->run_joined = FALSE;
}

/* The clip is plain bytes in system memory: the allocation query is
 * answered here, not downstream. Besides saving a round trip, this keeps
 * the streaming thread out of a GStreamer 1.22 queue deadlock: a queue
 * whose downstream returned EOS drops a serialized query without waking
 * its sender, and qtdemux asks us to reconfigure (hence to query) exactly
 * when it exposes its pads at a moov atom at the end, just before EOS. */
static GstPadProbeReturn
gst_seedance_src_allocation_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  if (GST_QUERY_TYPE (GST_PAD_PROBE_INFO_QUERY (info)) == GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_HANDLED;
  return GST_PAD_PROBE_OK;
}

static void
gst_seedance_src_init (GstSeedanceSrc * src)
{
  seedance_settings_init (&src->settings);

  src->cancellable = g_cancellable_new ();
  src->reader = gst_seedance_src_new_reader (src);
  g_mutex_init (&src->wait_lock);
  g_cond_init (&src->wait_cond);
  gst_seedance_src_reset (src);

  gst_base_src_set_format (GST_BASE_SRC (src), GST_FORMAT_BYTES);
  gst_base_src_set_blocksize (GST_BASE_SRC (src), DEFAULT_BLOCKSIZE);
  gst_pad_add_probe (GST_BASE_SRC_PAD (src),
      GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, gst_seedance_src_allocation_probe,
      NULL, NULL);
}

static void
gst_seedance_src_finalize (GObject * object)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (object);

  gst_seedance_src_reset (src);
  seedance_settings_clear (&src->settings);
  g_free (src->task_fingerprint);
  g_free (src->uncertain_fingerprint);
  g_object_unref (src->cancellable);
  g_mutex_clear (&src->wait_lock);
  g_cond_clear (&src->wait_cond);
  seedance_reader_free (src->reader);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_seedance_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (object);

  if (prop_id == SEEDANCE_PROP_0 || prop_id >= SEEDANCE_N_PROPERTIES) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  GST_OBJECT_LOCK (src);
  if (GST_STATE (src) > GST_STATE_READY)
    goto wrong_state;
  seedance_settings_set_property (&src->settings, prop_id, value);
  if (prop_id == SEEDANCE_PROP_TASK_ID) {
    /* The user's id is resumed whatever the request says. */
    g_clear_pointer (&src->task_fingerprint, g_free);
    src->task_failed = FALSE;
  }
  GST_OBJECT_UNLOCK (src);
  return;

  /* ERROR */
wrong_state:
  {
    GST_OBJECT_UNLOCK (src);
    g_warning ("Changing the '%s' property of %s is only allowed in the NULL "
        "and READY states", pspec->name, GST_ELEMENT_NAME (src));
    return;
  }
}

static void
gst_seedance_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (object);

  if (prop_id == SEEDANCE_PROP_0 || prop_id >= SEEDANCE_N_PROPERTIES) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  GST_OBJECT_LOCK (src);
  seedance_settings_get_property (&src->settings, prop_id, value);
  GST_OBJECT_UNLOCK (src);
}

/* The GStreamer error a client error is: the domain and code a user's
 * application switches on. */
static void
error_domain_and_code (const GError * error, GQuark * domain, gint * code)
{
  *domain = GST_RESOURCE_ERROR;
  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC)) {
    /* A file the element writes: the last frame's location. */
    *code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
    return;
  }
  switch (error->domain == SEEDANCE_ERROR ? error->code : -1) {
    case SEEDANCE_ERROR_INVALID_PROPERTY:
    case SEEDANCE_ERROR_BAD_REQUEST:
    case SEEDANCE_ERROR_REDIRECTED:
      *code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    case SEEDANCE_ERROR_UNAUTHORIZED:
    case SEEDANCE_ERROR_PAYMENT_REQUIRED:
      *code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case SEEDANCE_ERROR_NOT_FOUND:
      *code = GST_RESOURCE_ERROR_NOT_FOUND;
      break;
    case SEEDANCE_ERROR_RATE_LIMITED:
    case SEEDANCE_ERROR_SERVER:
    case SEEDANCE_ERROR_NETWORK:
      *code = GST_RESOURCE_ERROR_OPEN_READ;
      break;
    case SEEDANCE_ERROR_BAD_RESPONSE:
    case SEEDANCE_ERROR_DOWNLOAD:
    case SEEDANCE_ERROR_UNTRUSTED_CLIP:
      *code = GST_RESOURCE_ERROR_READ;
      break;
    case SEEDANCE_ERROR_JOURNAL:
      *code = GST_RESOURCE_ERROR_WRITE;
      break;
    case SEEDANCE_ERROR_NOT_LINKED:
      *domain = GST_CORE_ERROR;
      *code = GST_CORE_ERROR_PAD;
      break;
    case SEEDANCE_ERROR_NOT_NEGOTIATED:
      *domain = GST_CORE_ERROR;
      *code = GST_CORE_ERROR_NEGOTIATION;
      break;
    default:
      /* A task that failed on the server, a timeout, an unknown outcome. */
      *code = GST_RESOURCE_ERROR_FAILED;
      break;
  }
}

/* Posts @error where it happened (@file, @function, @line: the call site,
 * see GST_SEEDANCE_SRC_POST_ERROR): the message is the text for people,
 * which names the property or task and what to do; the debug text carries
 * the kind of error, the task id, the HTTP status and @detail (nullable:
 * technical text such as a system error), the details the task id and
 * HTTP status. Never the key. */
static void
gst_seedance_src_post_error_at (GstSeedanceSrc * src, const GError * error,
    guint http_status, const gchar * detail, const gchar * file,
    const gchar * function, gint line)
{
  GstStructure *details;
  GQuark domain;
  gint code;
  gchar *answer, *debug;

  error_domain_and_code (error, &domain, &code);
  details = gst_structure_new ("details", "task-id", G_TYPE_STRING,
      src->run_task_id, "http-status-code", G_TYPE_UINT, http_status, NULL);
  answer = http_status ? g_strdup_printf ("HTTP status %u", http_status) :
      g_strdup ("no HTTP answer");
  debug = g_strdup_printf ("%s error; task %s; %s%s%s", error->domain ==
      SEEDANCE_ERROR ? seedance_error_code_name (error->code) :
      g_quark_to_string (error->domain), src->run_task_id ?
      src->run_task_id : "none", answer, detail ? "; " : "",
      detail ? detail : "");
  g_free (answer);

  gst_element_message_full_with_details (GST_ELEMENT (src),
      GST_MESSAGE_ERROR, domain, code, g_strdup (error->message), debug,
      file, function, line, details);
}

/* A blocksize of 0 reads nothing: refused before anything is paid. */
static gboolean
gst_seedance_src_check_blocksize (GstSeedanceSrc * src, GError ** error)
{
  if (gst_base_src_get_blocksize (GST_BASE_SRC (src)) > 0)
    return TRUE;
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
      "Invalid property 'blocksize': 0; allowed: 1 or more bytes per buffer "
      "(default %d)", DEFAULT_BLOCKSIZE);
  return FALSE;
}

/* The bound on a clip's size: far above any real clip, and for the tests
 * and odd deployments, SEEDANCE_MAX_CLIP_SIZE (bytes). */
static gboolean
gst_seedance_src_read_max_clip_size (GstSeedanceSrc * src, GError ** error)
{
  const gchar *env = g_getenv ("SEEDANCE_MAX_CLIP_SIZE");
  guint64 size = SEEDANCE_DEFAULT_MAX_CLIP_SIZE;

  if (env && !g_ascii_string_to_unsigned (env, 10, 1, G_MAXINT64, &size, NULL)) {
    seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid environment variable SEEDANCE_MAX_CLIP_SIZE: '%s'; allowed: "
        "the largest clip accepted, in bytes", env);
    return FALSE;
  }
  src->max_clip_size = size;
  return TRUE;
}

/* Decides whether this run resumes a task before the journal is read. A
 * task id the user set is resumed as is, whatever the request (see
 * gst_seedance_src_prepare()). One the element submitted itself is the
 * journal's to decide about: a restart plays the cached clip, and a task
 * that failed is submitted anew. Without the journal it is resumed for
 * the same request unless it failed; after a property changed it would
 * give the old clip. */
static gboolean
gst_seedance_src_choose_task (GstSeedanceSrc * src, const gchar * task_id,
    const gchar * task_fingerprint, gboolean task_failed, gboolean * forget,
    GError ** error)
{
  gboolean same = task_id && g_strcmp0 (task_fingerprint,
      src->fingerprint) == 0;

  if (same && !task_failed
      && src->run_cache_mode == GST_SEEDANCE_CACHE_MODE_OFF) {
    src->run_task_id = g_strdup (task_id);
    return TRUE;
  }
  /* The task of another request is none of this run's. */
  *forget = task_id && !same;
  if (*forget)
    GST_INFO_OBJECT (src, "the request changed since task %s: it is not "
        "resumed", task_id);
  return gst_seedance_src_check_not_uncertain (src, error);
}

/* The names this request had in the journals of earlier versions: without
 * the account, and with the origin as typed (before it was normalised). */
static GStrv
gst_seedance_src_former_fingerprints (const gchar * api_url,
    const gchar * origin, const gchar * model, const gchar * api_key,
    const gchar * body)
{
  GPtrArray *names = g_ptr_array_new ();
  gchar *typed = seedance_api_url_former_origin (api_url);

  g_ptr_array_add (names, seedance_request_legacy_fingerprint (origin, model,
          body));
  if (g_strcmp0 (typed, origin) != 0) {
    g_ptr_array_add (names, seedance_request_fingerprint (typed, model,
            api_key, body));
    g_ptr_array_add (names, seedance_request_legacy_fingerprint (typed,
            model, body));
  }
  g_ptr_array_add (names, NULL);
  g_free (typed);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

/* Every source of a key spends one budget: this process's, shared with
 * the other processes through a state file beside the journal (without
 * the journal, this process's alone). */
static void
gst_seedance_src_join_budget (GstSeedanceSrc * src, const gchar * origin,
    const gchar * api_key, guint requests_per_minute)
{
  SeedanceBudget *budget = seedance_budget_get (origin, api_key,
      requests_per_minute);
  GError *error = NULL;

  if (src->journal) {
    gchar *name = g_strconcat (seedance_budget_get_id (budget), ".budget",
        NULL);
    gint fd = seedance_journal_open_file (src->journal, name, &error);

    if (fd >= 0) {
      seedance_budget_share (budget, fd);
    } else {
      GST_ELEMENT_WARNING (src, RESOURCE, OPEN_READ_WRITE, ("The key's "
              "request budget is not shared with other processes: %s",
              error->message), (NULL));
      g_error_free (error);
    }
    g_free (name);
  }
  GST_DEBUG_OBJECT (src, "the key's request budget: %u a minute",
      seedance_budget_get_limit (budget));
  seedance_client_set_budget (src->client, budget);
  seedance_budget_unref (budget);
}

/* A generated clip is paid for: it must have somewhere to go that takes
 * an MP4, or nothing is generated. Checked before the state change and
 * again just before the submission (a pipeline may be relinked meanwhile);
 * @detail gets what the element linked to the pad accepts. @prompt
 * (nullable) only serves a hint. */
/* Whether what is linked to @pad leads somewhere: through the ghost pads
 * of the bins around it (a ghost pad's inside answers queries even when
 * its outside is linked to nothing). */
static gboolean
leads_somewhere (GstPad * pad)
{
  GstPad *peer = gst_pad_get_peer (pad);

  while (peer && GST_IS_PROXY_PAD (peer) && !GST_IS_GHOST_PAD (peer)) {
    GstProxyPad *ghost = gst_proxy_pad_get_internal (GST_PROXY_PAD (peer));

    gst_object_unref (peer);
    peer = ghost ? gst_pad_get_peer (GST_PAD (ghost)) : NULL;
    if (ghost)
      gst_object_unref (ghost);
  }
  if (peer)
    gst_object_unref (peer);
  return peer != NULL;
}

static gboolean
gst_seedance_src_check_downstream (GstSeedanceSrc * src,
    const gchar * prompt, GError ** error, gchar ** detail)
{
  GstPad *pad = GST_BASE_SRC_PAD (src), *peer;
  GstCaps *produced, *accepted = NULL;
  GstQuery *query;
  gboolean answered;

  produced = gst_pad_get_pad_template_caps (pad);
  query = gst_query_new_caps (produced);
  answered = leads_somewhere (pad) && gst_pad_peer_query (pad, query);
  if (answered)
    gst_query_parse_caps_result (query, &accepted);
  if (answered && accepted && !gst_caps_is_empty (accepted)) {
    gst_query_unref (query);
    gst_caps_unref (produced);
    return TRUE;
  }

  peer = gst_pad_get_peer (pad);
  if (!answered) {
    /* gst-launch-1.0 reads "prompt= ! fakesink" (an unquoted prompt="")
     * as the prompt "!" and an unlinked fakesink. */
    gboolean bang = g_strcmp0 (prompt, "!") == 0;

    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NOT_LINKED, "%s has "
        "nothing linked to its src pad, so the clip would have nowhere to "
        "go: nothing was sent. Link it to qtdemux, decodebin or a filesink, "
        "as in 'seedancesrc prompt=... ! decodebin ! autovideosink'%s",
        GST_ELEMENT_NAME (src), bang ? ". Its prompt is '!': on a "
        "gst-launch-1.0 line, 'prompt= ! ...' takes the '!' as the value; "
        "give the prompt in quotes" : "");
    if (peer) {
      gchar *peer_path = gst_object_get_path_string (GST_OBJECT (peer));

      *detail = g_strdup_printf ("linked to %s, which leads nowhere",
          peer_path);
      g_free (peer_path);
    } else {
      *detail = g_strdup ("src pad not linked");
    }
  } else {
    GstElement *peer_element = gst_pad_get_parent_element (peer);
    GstCaps *peer_caps = gst_pad_peer_query_caps (pad, NULL);
    gchar *peer_path = gst_object_get_path_string (GST_OBJECT (peer));
    gchar *peer_caps_text = gst_caps_to_string (peer_caps);

    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NOT_NEGOTIATED, "%s "
        "produces MP4 (video/quicktime), which %s does not accept: nothing "
        "was sent. Link it to qtdemux, decodebin or a filesink instead, as "
        "in 'seedancesrc prompt=... ! qtdemux ! h264parse ! ...'",
        GST_ELEMENT_NAME (src), peer_element ?
        GST_ELEMENT_NAME (peer_element) : "the element linked to it");
    *detail = g_strdup_printf ("%s accepts %s", peer_path, peer_caps_text);
    g_free (peer_caps_text);
    g_free (peer_path);
    gst_caps_unref (peer_caps);
    if (peer_element)
      gst_object_unref (peer_element);
  }
  if (peer)
    gst_object_unref (peer);
  gst_query_unref (query);
  gst_caps_unref (produced);
  return FALSE;
}

/* Everything a run needs is checked here, as the element goes from READY
 * to PAUSED and before anything is sent: the settings are copied and
 * validated, the request built, its journal opened, and downstream must
 * take the clip. A refusal posts its own error and fails the state
 * change. */
static gboolean
gst_seedance_src_prepare (GstSeedanceSrc * src)
{
  SeedanceSettings settings;
  const SeedanceRequest *request = &settings.request;
  gchar *origin = NULL, *task_fingerprint, *cache_dir, *detail = NULL;
  gboolean task_failed, forget_task = FALSE;
  GError *error = NULL;
  gboolean ok = FALSE;

  gst_seedance_src_reset (src);

  GST_OBJECT_LOCK (src);
  seedance_settings_copy (&settings, &src->settings);
  task_fingerprint = g_strdup (src->task_fingerprint);
  task_failed = src->task_failed;
  GST_OBJECT_UNLOCK (src);
  src->run_poll_interval = settings.poll_interval;
  src->run_timeout = settings.timeout;
  src->run_cache_mode = settings.cache_mode;
  src->run_cache_bytes = (guint64) settings.cache_size * 1024 * 1024;
  cache_dir = settings.cache_dir && *settings.cache_dir ?
      g_strdup (settings.cache_dir) : seedance_journal_default_dir ();

  if (!seedance_settings_check (&settings, &origin, &error)
      || !gst_seedance_src_check_blocksize (src, &error)
      || !gst_seedance_src_read_max_clip_size (src, &error))
    goto done;

  if (settings.task_id && task_fingerprint == NULL) {
    /* Resuming the user's task needs no request at all. */
    src->run_task_id = g_strdup (settings.task_id);
  } else {
    src->body = seedance_request_build_body (request, &src->body_length,
        &error);
    if (src->body == NULL)
      goto done;
    src->fingerprint = seedance_request_fingerprint (origin, settings.model,
        settings.api_key, src->body);
    src->former_fingerprints = gst_seedance_src_former_fingerprints
        (settings.api_url, origin, settings.model, settings.api_key, src->body);
    if (!gst_seedance_src_choose_task (src, settings.task_id, task_fingerprint,
            task_failed, &forget_task, &error))
      goto done;
  }
  /* The journal is opened (and its directories made) only for a run that
   * can play. */
  if (!gst_seedance_src_check_downstream (src, request->prompt, &error,
          &detail))
    goto done;
  if (src->fingerprint && src->run_cache_mode != GST_SEEDANCE_CACHE_MODE_OFF) {
    src->journal = seedance_journal_open (cache_dir, src->fingerprint, &error);
    src->run_cache_dir = g_strdup (cache_dir);
    if (src->journal == NULL) {
      GError *why = error;

      error = g_error_new (SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
          "Invalid property 'cache-dir': %s; set cache-dir to a private "
          "directory of your own, or cache-mode=off", why->message);
      g_error_free (why);
      goto done;
    }
  }

  /* The frame needs somewhere to go: the cache, a location, or both. */
  if (request->return_last_frame && (settings.last_frame_location
          || src->journal))
    src->last_frame = seedance_last_frame_new (settings.last_frame_location,
        src->journal ? seedance_journal_get_frame_path (src->journal) : NULL);
  src->client = seedance_client_new (origin, settings.api_key, settings.model);
  if (src->run_timeout > 0)
    seedance_client_set_io_timeout (src->client, src->run_timeout);
  gst_seedance_src_join_budget (src, origin, settings.api_key,
      settings.requests_per_minute);
  GST_INFO_OBJECT (src, "ready to %s at %s", src->run_task_id ?
      "resume a task" : "submit a task", origin);
  src->prepared = ok = TRUE;
  if (forget_task) {
    /* Only now: a refused state change leaves the property as it was. */
    GST_OBJECT_LOCK (src);
    g_clear_pointer (&src->settings.task_id, g_free);
    g_clear_pointer (&src->task_fingerprint, g_free);
    src->task_failed = FALSE;
    GST_OBJECT_UNLOCK (src);
    g_object_notify_by_pspec (G_OBJECT (src), seedance_settings_get_pspec
        (SEEDANCE_PROP_TASK_ID));
  }

done:
  if (error) {
    GST_WARNING_OBJECT (src, "cannot start: %s", error->message);
    GST_SEEDANCE_SRC_POST_ERROR (src, error, 0, detail);
    g_error_free (error);
  }
  if (!ok)
    gst_seedance_src_reset (src);
  seedance_settings_clear (&settings);
  g_free (origin);
  g_free (task_fingerprint);
  g_free (cache_dir);
  g_free (detail);
  return ok;
}

static gboolean
gst_seedance_src_start (GstBaseSrc * bsrc)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (bsrc);

  /* change_state() prepared the run; a pad activated by hand was not. */
  return src->prepared || gst_seedance_src_prepare (src);
}

/* A stop (@flag: stopping) or an EOS (ending) ends the run: it abandons
 * the submission and wakes any wait. */
static void
gst_seedance_src_end_run (GstSeedanceSrc * src, gboolean * flag)
{
  g_mutex_lock (&src->wait_lock);
  *flag = TRUE;
  if (src->submission)
    seedance_submission_cancel (src->submission);
  g_cond_broadcast (&src->wait_cond);
  g_mutex_unlock (&src->wait_lock);
}

static gboolean
gst_seedance_src_stop (GstBaseSrc * bsrc)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (bsrc);

  GST_DEBUG_OBJECT (src, "stopping");
  /* Left by a create() that a flush ended. */
  gst_seedance_src_end_run (src, &src->stopping);
  if (src->submission)
    gst_seedance_src_conclude_submission (src);
  /* A run that a flush interrupted ends here: close its progress. */
  gst_seedance_src_interrupted (src);
  gst_seedance_src_reset (src);
  return TRUE;
}

static GstStateChangeReturn
gst_seedance_src_change_state (GstElement * element, GstStateChange transition)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      g_mutex_lock (&src->wait_lock);
      src->stopping = src->ending = FALSE;
      g_mutex_unlock (&src->wait_lock);
      /* Refused here, the state change fails with the element's own error
       * alone, before basesrc starts. */
      if (!gst_seedance_src_prepare (src))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Stopping: a submission in flight is abandoned (and reported). */
      gst_seedance_src_end_run (src, &src->stopping);
      break;
    default:
      break;
  }
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  /* A run prepared for a state change that failed holds nothing. */
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED
      && ret == GST_STATE_CHANGE_FAILURE)
    gst_seedance_src_reset (src);
  return ret;
}

/* An EOS sent to the element ends the stream (gst-launch-1.0 -e sends one
 * on Ctrl-C): unlike a flush, it abandons a submission in flight, which
 * is then reported like a stop. */
static gboolean
gst_seedance_src_send_event (GstElement * element, GstEvent * event)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    GST_INFO_OBJECT (src, "EOS: the run ends");
    gst_seedance_src_end_run (src, &src->ending);
  }
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

/* Interrupts the request in flight and any wait, until unlock_stop(). The
 * flag is set under the wait lock so a wait about to start sees it. */
static gboolean
gst_seedance_src_unlock (GstBaseSrc * bsrc)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (bsrc);

  GST_DEBUG_OBJECT (src, "unlock");
  g_mutex_lock (&src->wait_lock);
  src->flushing = TRUE;
  g_cond_broadcast (&src->wait_cond);
  g_cancellable_cancel (src->cancellable);
  g_mutex_unlock (&src->wait_lock);
  return TRUE;
}

static gboolean
gst_seedance_src_unlock_stop (GstBaseSrc * bsrc)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (bsrc);

  GST_DEBUG_OBJECT (src, "unlock stop");
  g_mutex_lock (&src->wait_lock);
  src->flushing = src->ending = FALSE;
  g_cancellable_reset (src->cancellable);
  seedance_reader_unlock_stop (src->reader);
  g_mutex_unlock (&src->wait_lock);
  return TRUE;
}

/* Sleeps up to ms milliseconds; FALSE when unlock() interrupted it. */
static gboolean
gst_seedance_src_wait (GstSeedanceSrc * src, gint64 ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  gboolean flushing;

  g_mutex_lock (&src->wait_lock);
  while (!src->flushing && g_cond_wait_until (&src->wait_cond,
          &src->wait_lock, end));
  flushing = src->flushing;
  g_mutex_unlock (&src->wait_lock);
  return !flushing;
}

static gboolean
gst_seedance_src_is_flushing (GstSeedanceSrc * src)
{
  gboolean flushing;

  g_mutex_lock (&src->wait_lock);
  flushing = src->flushing;
  g_mutex_unlock (&src->wait_lock);
  return flushing || g_cancellable_is_cancelled (src->cancellable);
}

/* *INDENT-OFF* */
static void
gst_seedance_src_post_progress (GstSeedanceSrc * src, GstProgressType type,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

/* One START, then CONTINUEs, then one of COMPLETE, ERROR or CANCELED. */
static void
gst_seedance_src_post_progress (GstSeedanceSrc * src, GstProgressType type,
    const gchar * format, ...)
{
  va_list args;
  gchar *text;

  if (type == GST_PROGRESS_TYPE_START)
    src->progress_open = TRUE;
  else if (!src->progress_open)
    return;
  else if (type != GST_PROGRESS_TYPE_CONTINUE)
    src->progress_open = FALSE;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_progress (GST_OBJECT (src), type, PROGRESS_CODE, text));
  g_free (text);
}

/* The seedance-task element message, on every status change; @task is
 * NULL before the first answer of the task endpoint. */
static void
gst_seedance_src_post_task (GstSeedanceSrc * src, const gchar * status,
    const SeedanceTask * task, gint64 elapsed_us)
{
  GstStructure *s = gst_structure_new ("seedance-task",
      "task-id", G_TYPE_STRING, src->run_task_id,
      "status", G_TYPE_STRING, status,
      "elapsed", G_TYPE_DOUBLE, (gdouble) elapsed_us / G_USEC_PER_SEC, NULL);

  if (task == NULL)
    goto post;
  if (task->video_url)
    gst_structure_set (s, "video-url", G_TYPE_STRING, task->video_url, NULL);
  if (task->last_frame_url)
    gst_structure_set (s, "last-frame-url", G_TYPE_STRING,
        task->last_frame_url, NULL);
  if (task->failure)
    gst_structure_set (s, "reason", G_TYPE_STRING, task->failure, NULL);
post:
  gst_seedance_src_describe_last_frame (src, s);
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_element (GST_OBJECT (src), s));
}

static void
gst_seedance_src_set_task_id (GstSeedanceSrc * src, const gchar * task_id)
{
  g_free (src->run_task_id);
  src->run_task_id = g_strdup (task_id);
  GST_OBJECT_LOCK (src);
  g_free (src->settings.task_id);
  src->settings.task_id = g_strdup (task_id);
  g_free (src->task_fingerprint);
  src->task_fingerprint = g_strdup (src->fingerprint);
  src->task_failed = FALSE;
  GST_OBJECT_UNLOCK (src);
  g_object_notify_by_pspec (G_OBJECT (src),
      seedance_settings_get_pspec (SEEDANCE_PROP_TASK_ID));
}

/* Leaves create() on an interruption. A stop or an EOS ends the run, so
 * its progress ends CANCELED; after a flush the run goes on. */
static GstFlowReturn
gst_seedance_src_interrupted (GstSeedanceSrc * src)
{
  gboolean ending;

  g_mutex_lock (&src->wait_lock);
  ending = src->stopping || src->ending;
  g_mutex_unlock (&src->wait_lock);
  if (ending) {
    gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_CANCELED,
        "cancelled");
    /* Nobody waits for a run that stopped; a flush only pauses it. */
    gst_seedance_src_release_run (src, FALSE, NULL);
  }
  return GST_FLOW_FLUSHING;
}

/* A failure that every source of this same request would meet in turn,
 * so that the sources following this one's run meet it at once: the
 * request refused, the key's, the task's own. Any other (a timeout of
 * this source's, its disk, its network) leaves them to go on. */
static gboolean
gst_seedance_src_shares_failure (const GError * error)
{
  if (error->domain != SEEDANCE_ERROR)
    return FALSE;
  switch (error->code) {
    case SEEDANCE_ERROR_BAD_REQUEST:
    case SEEDANCE_ERROR_UNAUTHORIZED:
    case SEEDANCE_ERROR_PAYMENT_REQUIRED:
    case SEEDANCE_ERROR_OUTCOME_UNKNOWN:
    case SEEDANCE_ERROR_TASK_FAILED:
      return TRUE;
    default:
      return FALSE;
  }
}

/* Ends a run on an error (taken): its progress, then the error, posted
 * as from the call site (see GST_SEEDANCE_SRC_POST_FAILURE). */
static GstFlowReturn
gst_seedance_src_post_failure_at (GstSeedanceSrc * src, GError * error,
    guint status, const gchar * detail, const gchar * file,
    const gchar * function, gint line)
{
  GST_WARNING_OBJECT (src, "%s%s%s", error->message, detail ? ": " : "",
      detail ? detail : "");
  gst_seedance_src_release_run (src, FALSE,
      gst_seedance_src_shares_failure (error) ? error : NULL);
  gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_ERROR, "%s",
      error->message);
  gst_seedance_src_post_error_at (src, error, status, detail, file, function,
      line);
  g_error_free (error);
  return GST_FLOW_ERROR;
}

/* Ends a run on an error, or quietly when it was cancelled (see
 * GST_SEEDANCE_SRC_FAIL). */
static GstFlowReturn
gst_seedance_src_fail_at (GstSeedanceSrc * src, GError * error, guint status,
    const gchar * file, const gchar * function, gint line)
{
  gboolean ending;

  g_mutex_lock (&src->wait_lock);
  ending = src->stopping || src->ending;
  g_mutex_unlock (&src->wait_lock);
  /* A cancel nobody asked for is an error, not a quiet pause. */
  if (gst_seedance_src_is_flushing (src) || (ending
          && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))) {
    GST_DEBUG_OBJECT (src, "cancelled: %s", error->message);
    g_error_free (error);
    return gst_seedance_src_interrupted (src);
  }
  return gst_seedance_src_post_failure_at (src, error, status, NULL, file,
      function, line);
}

/* Fails when this very request was submitted before and the outcome of
 * that submission is unknown: sending it again could pay twice. */
static gboolean
gst_seedance_src_check_not_uncertain (GstSeedanceSrc * src, GError ** error)
{
  gboolean uncertain;

  GST_OBJECT_LOCK (src);
  uncertain = src->fingerprint != NULL
      && g_strcmp0 (src->uncertain_fingerprint, src->fingerprint) == 0;
  GST_OBJECT_UNLOCK (src);

  if (uncertain)
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN,
        "An earlier submission of this same request was interrupted after it "
        "was sent: a task may exist and be billed, so it is not sent again. "
        "Look for it in your Modellix dashboard and resume it with "
        "task-id=<id>, or use a new element to submit anyway");
  return !uncertain;
}

/* When the timeout expires (monotonic us), 0 without one. */
static gint64
gst_seedance_src_deadline (GstSeedanceSrc * src)
{
  return src->run_timeout ? src->run_start +
      (gint64) src->run_timeout * G_USEC_PER_SEC : 0;
}

/* Milliseconds left before the timeout, G_MAXINT64 without one. */
static gint64
gst_seedance_src_remaining_ms (GstSeedanceSrc * src)
{
  gint64 deadline = gst_seedance_src_deadline (src);

  if (deadline == 0)
    return G_MAXINT64;
  return (deadline - g_get_monotonic_time ()) / 1000;
}

/* ------------------------------------------------------------------------ */
/* Identical requests of this process share one run (seedancesharedrun.c) */

/* The leader concludes the shared run: @cached, its task failed
 * (@failure), or neither, when a follower goes on in its place. A
 * follower only leaves it. */
static void
gst_seedance_src_release_run (GstSeedanceSrc * src, gboolean cached,
    const GError * failure)
{
  if (src->shared_run == NULL)
    return;
  if (src->leads_run)
    seedance_shared_run_conclude (src->shared_run, cached, failure);
  g_clear_pointer (&src->shared_run, seedance_shared_run_leave);
  src->leads_run = FALSE;
}

/* Joins the run of this same request going in this process, if any, and
 * follows it: nothing is sent (no POST, no poll, no download) until its
 * leader has the clip in the cache, its task failed, or it left, when
 * this source leads in its place, or until the task is done and the clip
 * will not be cached in time for this source (see seedancesharedrun.c).
 * Only runs that would play a cached clip share: cache-mode=reuse, with
 * the journal. */
static GstFlowReturn
gst_seedance_src_follow_run (GstSeedanceSrc * src)
{
  GstObject *pipeline = GST_OBJECT (src), *parent;
  gint64 next_report = 0;
  GError *error = NULL;

  /* Only compared, never used: no reference is kept. */
  while ((parent = gst_object_get_parent (pipeline))) {
    gst_object_unref (parent);
    pipeline = parent;
  }
  /* Once a run; a flush only interrupts the wait. */
  if (!src->run_joined) {
    gchar *key = g_strconcat (src->fingerprint, "\n", src->run_cache_dir,
        NULL);

    src->run_joined = TRUE;
    src->shared_run = seedance_shared_run_join (key, pipeline, &src->leads_run);
    g_free (key);
  }
  while (!src->leads_run) {
    gint64 now = g_get_monotonic_time (), remaining;

    switch (seedance_shared_run_check (src->shared_run, pipeline, &error)) {
      case SEEDANCE_SHARED_RUN_LEAD:
        GST_INFO_OBJECT (src, "leading the run of this request in its "
            "leader's place");
        src->leads_run = TRUE;
        continue;
      case SEEDANCE_SHARED_RUN_CACHED:
        GST_INFO_OBJECT (src, "the source that ran this same request has "
            "its clip in the cache");
        gst_seedance_src_release_run (src, FALSE, NULL);
        return GST_FLOW_OK;
      case SEEDANCE_SHARED_RUN_FAILED:
        gst_seedance_src_release_run (src, FALSE, NULL);
        g_prefix_error (&error, "Another source of this process ran this "
            "same request: ");
        return GST_SEEDANCE_SRC_POST_FAILURE (src, error, 0, NULL);
      case SEEDANCE_SHARED_RUN_DOWNLOAD_ALONE:
        GST_INFO_OBJECT (src, "the task of this same request is done, but "
            "its clip will not be cached in time: downloading it here");
        gst_seedance_src_release_run (src, FALSE, NULL);
        return GST_FLOW_OK;
      case SEEDANCE_SHARED_RUN_GOING:
        break;
    }
    if (now >= next_report) {
      GST_INFO_OBJECT (src, "following another source of this process, "
          "which runs this same request");
      gst_seedance_src_post_progress (src, src->progress_open ?
          GST_PROGRESS_TYPE_CONTINUE : GST_PROGRESS_TYPE_START,
          "waiting for another source, which runs this same request");
      next_report = now + PROGRESS_EVERY_US;
    }
    remaining = gst_seedance_src_remaining_ms (src);
    if (remaining <= 0) {
      g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "Waited timeout=%u s for another source of this process, which "
          "runs this same request, and gave up: this source sent nothing. "
          "Its task goes on; run again to play its clip", src->run_timeout);
      return GST_SEEDANCE_SRC_FAIL (src, error, 0);
    }
    if (!gst_seedance_src_wait (src, MIN (SHARED_RUN_POLL_MS, remaining)))
      return gst_seedance_src_interrupted (src);
  }
  return GST_FLOW_OK;
}

/* ------------------------------------------------------------------------ */
/* The task journal and the clip cache (see seedancejournal.c) */

/* Reads this run's entry under its lock, taking the lock (waiting a little
 * at most) when this run does not hold it already. NULL when the entry is
 * another task's or the lock could not be had: the journal only saves
 * money, so a lost update is logged and the run goes on. */
static SeedanceJournalEntry *
gst_seedance_src_journal_begin (GstSeedanceSrc * src, gboolean * took)
{
  SeedanceJournalEntry *entry;
  gboolean locked = seedance_journal_is_locked (src->journal);
  gint64 waited = 0;

  *took = !locked;
  while (!locked) {
    if (!seedance_journal_try_lock (src->journal, &locked, NULL)
        || (!locked && (waited >= JOURNAL_UPDATE_WAIT_MS
                || !gst_seedance_src_wait (src, JOURNAL_LOCK_POLL_MS)))) {
      GST_WARNING_OBJECT (src, "the journal entry is busy: not updated");
      return NULL;
    }
    waited += JOURNAL_LOCK_POLL_MS;
  }
  entry = seedance_journal_read (src->journal, NULL);
  if (entry == NULL)
    return seedance_journal_entry_new (src->run_task_id, "pending");
  if (g_strcmp0 (entry->task_id, src->run_task_id) == 0)
    return entry;
  /* A later submission of the same request is recorded: it stays. */
  seedance_journal_entry_free (entry);
  if (*took)
    seedance_journal_unlock (src->journal);
  return NULL;
}

/* Writes @entry (NULL: nothing), frees it, and lets go of a lock that
 * gst_seedance_src_journal_begin() took. */
static void
gst_seedance_src_journal_end (GstSeedanceSrc * src,
    SeedanceJournalEntry * entry, gboolean took)
{
  GError *error = NULL;

  if (entry && !seedance_journal_write (src->journal, entry, &error)) {
    GST_WARNING_OBJECT (src, "cannot write the journal: %s", error->message);
    g_error_free (error);
  }
  seedance_journal_entry_free (entry);
  if (took)
    seedance_journal_unlock (src->journal);
}

/* Records the end of this run's task, and on success its result URL. */
static void
gst_seedance_src_journal_record_task (GstSeedanceSrc * src,
    const SeedanceTask * task)
{
  SeedanceJournalEntry *entry;
  gboolean took;

  if (src->journal == NULL
      || !(entry = gst_seedance_src_journal_begin (src, &took)))
    return;
  g_free (entry->status);
  entry->status = g_strdup (task->status);
  if (task->state == SEEDANCE_TASK_SUCCEEDED
      && g_strcmp0 (entry->video_url, task->video_url) != 0) {
    g_free (entry->video_url);
    entry->video_url = g_strdup (task->video_url);
    entry->video_url_expires = g_get_real_time () / G_USEC_PER_SEC +
        SEEDANCE_OUTPUT_LIFETIME_S;
  }
  gst_seedance_src_journal_end (src, entry, took);
}

/* A 404 for the journal's task proves it gone only once the task is older
 * than the API keeps any (the longest execution_expires_after, then the
 * outputs' lifetime): its entry goes then, and the next run submits anew.
 * Before that it stays, so that no run pays again by accident. */
static gboolean
gst_seedance_src_journal_forget_if_gone (GstSeedanceSrc * src)
{
  SeedanceJournalEntry *entry;
  gboolean took, gone;
  gint64 age;

  if (src->journal == NULL
      || !(entry = gst_seedance_src_journal_begin (src, &took)))
    return FALSE;
  age = g_get_real_time () / G_USEC_PER_SEC - entry->updated;
  gone = entry->updated > 0
      && age > SEEDANCE_EXPIRES_MAX + SEEDANCE_OUTPUT_LIFETIME_S;
  if (gone)
    seedance_journal_remove (src->journal);
  gst_seedance_src_journal_end (src, NULL, took);
  seedance_journal_entry_free (entry);
  return gone;
}

/* What the submission, whose lock this run holds, came to: its task, an
 * outcome nobody knows (never sent again, by any pipeline), or no task. */
static void
gst_seedance_src_journal_record_submission (GstSeedanceSrc * src,
    const gchar * task_id, gboolean uncertain)
{
  SeedanceJournalEntry *entry;

  if (src->journal == NULL || !seedance_journal_is_locked (src->journal))
    return;
  if (task_id || uncertain) {
    entry = seedance_journal_entry_new (task_id,
        task_id ? "pending" : SEEDANCE_JOURNAL_UNCERTAIN);
    gst_seedance_src_journal_end (src, entry, TRUE);
  } else {
    seedance_journal_remove (src->journal);
    seedance_journal_unlock (src->journal);
    /* Unlocked, the entry is anybody's: a next attempt reads it anew. */
    src->journal_consulted = FALSE;
  }
}

/* Opens the entry's cached clip for this run (see
 * seedance_reader_open_cached_clip()); a damaged one is discarded with a
 * warning. */
static gboolean
gst_seedance_src_open_cached_clip (GstSeedanceSrc * src,
    SeedanceJournalEntry * entry)
{
  GError *warning = NULL;

  if (seedance_reader_open_cached_clip (src->reader, src->journal, entry,
          &warning))
    return TRUE;
  if (warning) {
    GST_ELEMENT_WARNING (src, RESOURCE, READ, ("%s", warning->message), (NULL));
    g_error_free (warning);
  }
  return FALSE;
}

/* Waits until no other pipeline decides about this request, saying whom
 * it waits for; not past timeout (JOURNAL_LOCK_MAX_WAIT_S without one):
 * a holder that hangs must not hang this pipeline too. */
static GstFlowReturn
gst_seedance_src_lock_journal (GstSeedanceSrc * src)
{
  GError *error = NULL;
  gboolean locked = FALSE;
  gint64 start = g_get_monotonic_time (), deadline, next_report = 0;
  gchar *holder = NULL;

  deadline = gst_seedance_src_deadline (src);
  if (deadline == 0)
    deadline = start + JOURNAL_LOCK_MAX_WAIT_S * G_USEC_PER_SEC;
  for (;;) {
    gint64 now;

    if (!seedance_journal_try_lock (src->journal, &locked, &error))
      break;
    if (locked) {
      g_free (holder);
      return GST_FLOW_OK;
    }
    now = g_get_monotonic_time ();
    if (now >= next_report) {
      gchar *named = seedance_journal_describe_holder (src->journal);

      if (named || holder == NULL) {
        g_free (holder);
        holder = named ? named : g_strdup ("another pipeline");
      }
      GST_INFO_OBJECT (src, "waiting for %s, which is deciding about this "
          "request (%s)", holder, seedance_journal_get_lock_path
          (src->journal));
      gst_seedance_src_post_progress (src, src->progress_open ?
          GST_PROGRESS_TYPE_CONTINUE : GST_PROGRESS_TYPE_START,
          "waiting for %s, which is deciding about this request", holder);
      next_report = now + PROGRESS_EVERY_US;
    }
    if (now >= deadline) {
      g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "Waited %" G_GINT64_FORMAT " s for %s, which is deciding about "
          "this same request (journal lock %s), and gave up%s: nothing was "
          "sent. If that pipeline is stuck, stop it; otherwise run again once "
          "it is done, to resume its task", (now - start) / G_USEC_PER_SEC,
          holder, seedance_journal_get_lock_path (src->journal),
          src->run_timeout ? " at timeout" : "");
      break;
    }
    if (!gst_seedance_src_wait (src, MIN (JOURNAL_LOCK_POLL_MS,
                (deadline - now) / 1000 + 1))) {
      g_free (holder);
      return gst_seedance_src_interrupted (src);
    }
  }
  g_free (holder);
  return GST_SEEDANCE_SRC_FAIL (src, error, 0);
}

/* Before anything is paid: a request made before plays its cached clip or
 * resumes its task. Otherwise the entry's lock stays held until the
 * submission is recorded, so that a second pipeline asking for the same
 * request waits for this one's task instead of paying for its own. */
static GstFlowReturn
gst_seedance_src_consult_journal (GstSeedanceSrc * src)
{
  SeedanceJournalEntry *entry;
  SeedanceTaskState state;
  GstFlowReturn ret;
  gchar *problem = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if ((ret = gst_seedance_src_lock_journal (src)) != GST_FLOW_OK)
    return ret;
  src->journal_consulted = TRUE;
  entry = seedance_journal_read (src->journal, &problem);
  if (problem) {
    GST_ELEMENT_WARNING (src, RESOURCE, READ, ("%s", problem), (NULL));
    g_free (problem);
  } else {
    /* Written by an earlier version under another name: still this
     * request's, and its task must not be paid again. */
    GStrv former = src->former_fingerprints;

    for (; entry == NULL && former && *former; former++)
      entry = seedance_journal_adopt (src->journal, src->run_cache_dir,
          *former);
  }
  if (entry == NULL)
    return GST_FLOW_OK;

  if (entry->task_id == NULL) {
    GError *error = g_error_new (SEEDANCE_ERROR,
        SEEDANCE_ERROR_OUTCOME_UNKNOWN, "An earlier submission of this same "
        "request was cut off after it was sent (journal entry %s): a task "
        "may exist and be billed, so it is not sent again. Look for it in "
        "your Modellix dashboard and resume it with task-id=<id>, or delete "
        "that file (or set cache-mode=off) to submit anyway",
        seedance_journal_get_path (src->journal));

    seedance_journal_entry_free (entry);
    seedance_journal_unlock (src->journal);
    return GST_SEEDANCE_SRC_POST_FAILURE (src, error, 0, NULL);
  }

  state = seedance_task_state_from_status (entry->status);
  if (state == SEEDANCE_TASK_SUCCEEDED && entry->clip_sha256
      && src->run_cache_mode == GST_SEEDANCE_CACHE_MODE_REUSE
      && gst_seedance_src_open_cached_clip (src, entry)) {
    GST_INFO_OBJECT (src, "playing the cached clip of task %s", entry->task_id);
    gst_seedance_src_release_run (src, TRUE, NULL);
  } else if (state == SEEDANCE_TASK_FAILED
      || (state == SEEDANCE_TASK_SUCCEEDED
          && (src->run_cache_mode == GST_SEEDANCE_CACHE_MODE_RESUME
              || (entry->video_url_expires
                  && now >= entry->video_url_expires)))) {
    /* Failed, finished with the clip wanted anew, or its outputs gone. */
    GST_INFO_OBJECT (src, "task %s of this request is %s: submitting anew",
        entry->task_id, entry->status);
    seedance_journal_entry_free (entry);
    return GST_FLOW_OK;
  } else {
    GST_INFO_OBJECT (src, "resuming task %s (%s) of this request",
        entry->task_id, entry->status);
  }

  gst_seedance_src_set_task_id (src, entry->task_id);
  seedance_journal_entry_free (entry);
  seedance_journal_unlock (src->journal);
  return GST_FLOW_OK;
}

/* ------------------------------------------------------------------------ */
/* The last frame (return-last-frame; see seedancelastframe.c) */

/* The frame could not be had. With last-frame-location set the run fails;
 * without, only the cache missed it, which a warning says. After a flush
 * it is tried again. */
static GstFlowReturn
gst_seedance_src_last_frame_failed (GstSeedanceSrc * src, GError * error)
{
  const gchar *location = seedance_last_frame_get_location (src->last_frame);

  if (gst_seedance_src_is_flushing (src))
    return GST_SEEDANCE_SRC_FAIL (src, error, 0);
  seedance_last_frame_settle (src->last_frame);
  if (location) {
    g_prefix_error (&error, "The last frame of task %s cannot be written to "
        "%s: ", src->run_task_id, location);
    return GST_SEEDANCE_SRC_FAIL (src, error, 0);
  }
  GST_ELEMENT_WARNING (src, RESOURCE, READ, ("The last frame of task %s is "
          "not cached: %s", src->run_task_id, error->message), (NULL));
  g_error_free (error);
  return GST_FLOW_OK;
}

/* Records the frame just cached in the journal entry, and keeps the cache
 * within its bound. */
static void
gst_seedance_src_journal_record_frame (GstSeedanceSrc * src)
{
  SeedanceJournalEntry *entry;
  const gchar *sha256;
  guint64 size;
  gboolean took;

  if (src->journal == NULL
      || !seedance_last_frame_get_cached (src->last_frame, &size, &sha256)
      || !(entry = gst_seedance_src_journal_begin (src, &took)))
    return;
  g_free (entry->frame_sha256);
  entry->frame_sha256 = g_strdup (sha256);
  entry->frame_size = size;
  gst_seedance_src_journal_end (src, entry, took);
  seedance_clip_cache_evict (seedance_journal_get_clips_dir (src->journal),
      src->run_cache_bytes, seedance_journal_get_frame_path (src->journal));
}

/* The frame from the cache, when the journal records one for this run's
 * task and the cached file is still it. FALSE with @error set only when
 * the cache holds it but the location cannot be written. */
static gboolean
gst_seedance_src_restore_last_frame (GstSeedanceSrc * src, GError ** error)
{
  SeedanceJournalEntry *entry;
  GError *why = NULL;
  gboolean intact = FALSE;

  if (src->journal == NULL
      || !(entry = seedance_journal_read (src->journal, NULL)))
    return TRUE;
  if (entry->frame_sha256 && g_strcmp0 (entry->task_id, src->run_task_id) == 0) {
    if (seedance_last_frame_restore (src->last_frame, entry->frame_size,
            entry->frame_sha256, &intact, &why)) {
      GST_INFO_OBJECT (src, "the last frame of task %s comes from the cache",
          entry->task_id);
    } else if (intact) {
      g_propagate_error (error, why);
      why = NULL;
    } else if (g_error_matches (why, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      GST_INFO_OBJECT (src, "the last frame of task %s was evicted from the "
          "cache", entry->task_id);
    } else {
      GST_ELEMENT_WARNING (src, RESOURCE, READ, ("The cached last frame of "
              "task %s is discarded: %s", entry->task_id, why->message),
          (NULL));
    }
  }
  g_clear_error (&why);
  seedance_journal_entry_free (entry);
  return error == NULL || *error == NULL;
}

/* The clip's last frame, before its first byte goes downstream and before
 * the message that names it: from the cache when it holds the frame
 * intact, else from the task's URL. @task is the answer that said the
 * task succeeded; NULL on a cached replay, which asks the task (a free
 * GET) for a fresh URL. Nothing is ever submitted for it. */
static GstFlowReturn
gst_seedance_src_deliver_last_frame (GstSeedanceSrc * src,
    const SeedanceTask * task)
{
  SeedanceLastFrame *frame = src->last_frame;
  SeedanceTask *asked = NULL;
  GError *error = NULL;
  gboolean ok;

  if (frame == NULL || seedance_last_frame_is_settled (frame))
    return GST_FLOW_OK;
  if (!gst_seedance_src_restore_last_frame (src, &error))
    return gst_seedance_src_last_frame_failed (src, error);
  if (seedance_last_frame_is_settled (frame))
    return GST_FLOW_OK;

  if (task == NULL) {
    task = asked = seedance_last_frame_query_task (src->client,
        src->run_task_id, gst_seedance_src_deadline (src),
        src->run_poll_interval, src->cancellable, &error);
    if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NOT_FOUND)) {
      GError *why = error;

      /* One 404 proves nothing more here than when polling: worded so. */
      error = g_error_new (SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "the API does not know the task (any more): its outputs may have "
          "expired (%s)", why->message);
      g_error_free (why);
    }
    if (task == NULL)
      return gst_seedance_src_last_frame_failed (src, error);
  }
  if (task->state != SEEDANCE_TASK_SUCCEEDED || task->last_frame_url == NULL) {
    g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the task (%s) gives no last frame: its result has no image "
        "resource with an http(s) URL%s", task->status, asked ?
        "; its outputs may have expired" : "");
    seedance_task_free (asked);
    return gst_seedance_src_last_frame_failed (src, error);
  }

  GST_INFO_OBJECT (src, "downloading the last frame of task %s",
      src->run_task_id);
  gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_CONTINUE,
      "%s: downloading the last frame", src->run_task_id);
  ok = seedance_last_frame_download (frame, src->client,
      task->last_frame_url, src->cancellable,
      seedance_reader_stall_s (src->run_timeout), &error);
  seedance_task_free (asked);
  /* Cached even when the location could not be written. */
  gst_seedance_src_journal_record_frame (src);
  return ok ? GST_FLOW_OK : gst_seedance_src_last_frame_failed (src, error);
}

/* A seedance-task message names the file that holds the last frame, once
 * it is written, and the URL it came from: the user's location, or
 * without one the cache's own copy, under a name of its own (the cache
 * may evict or replace it at any time). */
static void
gst_seedance_src_describe_last_frame (GstSeedanceSrc * src, GstStructure * s)
{
  const gchar *file, *url;

  if (src->last_frame == NULL)
    return;
  if ((file = seedance_last_frame_get_file (src->last_frame)))
    gst_structure_set (s, g_strcmp0 (file,
            seedance_last_frame_get_location (src->last_frame)) == 0 ?
        "last-frame-location" : "last-frame-cache-file", G_TYPE_STRING, file,
        NULL);
  url = seedance_last_frame_get_url (src->last_frame);
  if (url && !gst_structure_has_field (s, "last-frame-url"))
    gst_structure_set (s, "last-frame-url", G_TYPE_STRING, url, NULL);
}

/* A cached replay: the last frame first, then the news. */
static GstFlowReturn
gst_seedance_src_announce_cached (GstSeedanceSrc * src)
{
  GstFlowReturn ret;

  if ((ret = gst_seedance_src_deliver_last_frame (src, NULL)) != GST_FLOW_OK)
    return ret;
  gst_seedance_src_post_task (src, "cached", NULL,
      g_get_monotonic_time () - src->run_start);
  gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_COMPLETE,
      "%s: playing the cached clip", src->run_task_id);
  return GST_FLOW_OK;
}

/* On the submission's thread: the server created no task (a 429, or no
 * connection) and the submission goes again later. The news, as a
 * seedance-task message, tells the user why nothing has happened yet. */
static void
gst_seedance_src_submission_retry (gpointer user_data, const GError * why,
    gint64 delay_ms)
{
  GstSeedanceSrc *src = user_data;
  GstStructure *s = gst_structure_new ("seedance-task",
      "task-id", G_TYPE_STRING, NULL,
      "status", G_TYPE_STRING, "retrying",
      "elapsed", G_TYPE_DOUBLE, (gdouble) (g_get_monotonic_time () -
          src->run_start) / G_USEC_PER_SEC,
      "reason", G_TYPE_STRING, why->message,
      "retry-in", G_TYPE_DOUBLE, delay_ms / 1000.0, NULL);

  GST_INFO_OBJECT (src, "no task was created (%s): submitting again in %"
      G_GINT64_FORMAT " ms", why->message, delay_ms);
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_element (GST_OBJECT (src), s));
}

static void
gst_seedance_src_submission_done (gpointer user_data)
{
  GstSeedanceSrc *src = user_data;

  g_mutex_lock (&src->wait_lock);
  src->submission_done = TRUE;
  g_cond_broadcast (&src->wait_cond);
  g_mutex_unlock (&src->wait_lock);
}

/* Takes the outcome of the ended submission: the task id, or what the
 * user must know about the money. Called by the streaming thread, or by
 * stop() when that thread is gone. */
static GstFlowReturn
gst_seedance_src_conclude_submission (GstSeedanceSrc * src)
{
  SeedanceSubmission *submission;
  GError *error = NULL;
  gboolean cancelled;
  guint status;
  gchar *task_id;

  g_mutex_lock (&src->wait_lock);
  submission = src->submission;
  src->submission = NULL;
  src->submission_done = FALSE;
  g_mutex_unlock (&src->wait_lock);

  task_id = seedance_submission_finish (submission, &status, &cancelled,
      &error);
  gst_seedance_src_journal_record_submission (src, task_id,
      g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN));
  if (task_id) {
    /* Its polls queue by the task's age, behind older tasks'. */
    seedance_client_set_priority (src->client, g_get_monotonic_time ());
    gst_seedance_src_set_task_id (src, task_id);
    /* The id is news the user needs at once: with it a task that is
     * interrupted later can be resumed instead of paid twice. */
    gst_seedance_src_post_task (src, "submitted", NULL,
        g_get_monotonic_time () - src->run_start);
    g_free (task_id);
    return GST_FLOW_OK;
  }

  if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN)) {
    GST_OBJECT_LOCK (src);
    g_free (src->uncertain_fingerprint);
    src->uncertain_fingerprint = g_strdup (src->fingerprint);
    GST_OBJECT_UNLOCK (src);
    if (cancelled) {
      /* Stopping posts no error, but the user must hear of the money. */
      GST_ELEMENT_WARNING (src, RESOURCE, FAILED,
          ("Stopped while a submission was in flight: a task may exist and "
              "be billed. Look for it in your Modellix dashboard and resume "
              "it with task-id=<id>"), ("%s", error->message));
      g_error_free (error);
      return gst_seedance_src_interrupted (src);
    }
  } else if (cancelled) {
    /* Cut short before it was sent, or while waiting to send it again:
     * no task exists. */
    GST_DEBUG_OBJECT (src, "submission cancelled: %s", error->message);
    g_error_free (error);
    return gst_seedance_src_interrupted (src);
  }
  /* Posted even during a flush: what happened to the money is news. */
  return GST_SEEDANCE_SRC_POST_FAILURE (src, error, status, NULL);
}

/* Records, before the POST goes out, that this request is being
 * submitted: a crash, a rerun or a second pipeline then finds the claim
 * and never pays again. A claim that cannot be recorded (a full disk)
 * stops the submission; without the journal (cache-mode=off) there is
 * nothing to record. @detail gets the system's reason. */
static gboolean
gst_seedance_src_claim (GstSeedanceSrc * src, GError ** error, gchar ** detail)
{
  SeedanceJournalEntry *entry;
  GError *why = NULL;
  gboolean ok;

  if (src->journal == NULL)
    return TRUE;
  /* Only the holder of the entry's lock decides for the request. */
  g_return_val_if_fail (seedance_journal_is_locked (src->journal), FALSE);
  entry = seedance_journal_entry_new (NULL, SEEDANCE_JOURNAL_SUBMITTING);
  ok = seedance_journal_write (src->journal, entry, &why);
  seedance_journal_entry_free (entry);
  if (ok)
    return TRUE;
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_JOURNAL,
      "Nothing was sent: the task journal cannot record this submission, "
      "and unrecorded, a crash or a second pipeline could pay for the same "
      "request again. Make room in cache-dir (%s) or fix it, or set "
      "cache-mode=off to submit without the journal", src->run_cache_dir);
  *detail = g_strdup (why->message);
  g_error_free (why);
  return FALSE;
}

/* What submit() returns when a submission was given up before it was
 * sent while the stream goes on: create() asks the journal again, since
 * another pipeline may have submitted the request meanwhile. */
#define GST_SEEDANCE_SRC_FLOW_DECIDE_AGAIN GST_FLOW_CUSTOM_SUCCESS

/* Before the POST: downstream still takes the clip, and the claim is
 * recorded. Outside the wait lock: unlock() never waits for a disk. */
static GstFlowReturn
gst_seedance_src_before_submitting (GstSeedanceSrc * src)
{
  GError *error = NULL;
  gchar *detail = NULL;
  GstFlowReturn ret;

  if (gst_seedance_src_check_not_uncertain (src, &error)
      && gst_seedance_src_check_downstream (src, NULL, &error, &detail)
      && gst_seedance_src_claim (src, &error, &detail))
    return GST_FLOW_OK;
  ret = GST_SEEDANCE_SRC_POST_FAILURE (src, error, 0, detail);
  g_free (detail);
  return ret;
}

/* Starts the submission, or goes on waiting for it after a flush. A flush
 * leaves it running for the next create(); a stop or an EOS cancelled it,
 * so its end is near and is waited for, to report it. */
static GstFlowReturn
gst_seedance_src_submit (GstSeedanceSrc * src)
{
  GstFlowReturn ret;
  gboolean started, done, interrupted;

again:
  started = FALSE;
  if (src->submission == NULL
      && (ret = gst_seedance_src_before_submitting (src)) != GST_FLOW_OK)
    return ret;

  g_mutex_lock (&src->wait_lock);
  if (src->submission == NULL) {
    if (src->flushing || src->stopping || src->ending) {
      g_mutex_unlock (&src->wait_lock);
      /* Claimed, never sent: the claim goes with the lock. */
      gst_seedance_src_journal_record_submission (src, NULL, FALSE);
      return gst_seedance_src_interrupted (src);
    }
    src->submission_done = FALSE;
    src->submission = seedance_submission_start (src->client, src->body,
        src->body_length, gst_seedance_src_deadline (src), src->run_timeout,
        gst_seedance_src_submission_retry, gst_seedance_src_submission_done,
        src);
    started = TRUE;
  }
  g_mutex_unlock (&src->wait_lock);

  if (started && !src->progress_open)
    gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_START,
        "submitting the task");

  g_mutex_lock (&src->wait_lock);
  while (!src->submission_done && !(src->flushing && !src->stopping
          && !src->ending))
    g_cond_wait (&src->wait_cond, &src->wait_lock);
  done = src->submission_done;
  g_mutex_unlock (&src->wait_lock);
  if (!done)
    return gst_seedance_src_interrupted (src);

  ret = gst_seedance_src_conclude_submission (src);
  g_mutex_lock (&src->wait_lock);
  interrupted = src->flushing || src->stopping || src->ending;
  g_mutex_unlock (&src->wait_lock);
  /* Cancelled by an EOS that was pushed since, while no create() ran: the
   * stream goes on, so decide again (a sent POST is never resent); with
   * the journal, from what it says now. */
  if (ret == GST_FLOW_FLUSHING && !interrupted) {
    if (src->journal)
      return GST_SEEDANCE_SRC_FLOW_DECIDE_AGAIN;
    goto again;
  }
  if (ret == GST_FLOW_OK && interrupted)
    ret = gst_seedance_src_interrupted (src);
  return ret;
}

/* Polls the task until it ends, within the timeout; leaves the clip's URL
 * in video_url. */
static GstFlowReturn
gst_seedance_src_poll (GstSeedanceSrc * src)
{
  gint64 start = src->run_start, last_progress = g_get_monotonic_time ();
  /* The backoff counts from the first poll: a submission queued in the
   * key's budget made the task no older. */
  gint64 polling_since = last_progress, interval = src->run_poll_interval;
  gchar *last_status = NULL;
  guint failures = 0, bad_answers = 0;
  SeedanceAnswer answer = { 0, -1 };
  GError *error = NULL;
  GstFlowReturn ret;

  for (;;) {
    SeedanceTask *task = seedance_client_query (src->client,
        src->run_task_id, gst_seedance_src_deadline (src), &answer,
        src->cancellable, &error);
    gint64 now = g_get_monotonic_time (), elapsed = now - start, wait;
    gint64 remaining;

    if (task == NULL) {
      /* An unusable answer may be a passing fault, but not forever; it
       * says nothing about load, so it is asked again sooner. */
      gboolean bad = g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE);

      if (bad)
        bad_answers++;
      if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT)) {
        GST_INFO_OBJECT (src, "%s", error->message);
        g_clear_error (&error);
        goto timed_out;
      }
      if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NOT_FOUND)
          && src->journal && gst_seedance_src_journal_forget_if_gone (src))
        g_prefix_error (&error, "Task %s no longer exists: it is older than "
            "the API keeps any task, so the journal forgets it and the next "
            "run submits this request anew. ", src->run_task_id);
      else if (g_error_matches (error, SEEDANCE_ERROR,
              SEEDANCE_ERROR_NOT_FOUND) && src->journal)
        /* One 404 is no proof the task cannot be resumed (a task just made
         * may not show yet): the journal keeps it, and the user decides. */
        g_prefix_error (&error, "Task %s is not known to the API (yet?); "
            "the journal keeps it, so this request is not paid again by "
            "accident: resume it with task-id=%s once the API knows it, or "
            "delete %s (or set cache-mode=off) to submit anew. ",
            src->run_task_id, src->run_task_id,
            seedance_journal_get_path (src->journal));
      if (gst_seedance_src_is_flushing (src)
          || !seedance_error_is_retryable_query (error)
          || bad_answers > MAX_BAD_ANSWERS)
        goto failed;
      /* Retry-After is a floor: "0" must not make a busy loop. */
      wait = MAX (answer.retry_after_ms,
          seedance_backoff_ms (bad ? src->run_poll_interval :
              MAX (src->run_poll_interval, 500), failures));
      failures++;
      GST_INFO_OBJECT (src, "query failed (%s), retrying in %" G_GINT64_FORMAT
          " ms", error->message, wait);
      g_clear_error (&error);
    } else {
      gboolean changed = g_strcmp0 (last_status, task->status) != 0;

      failures = bad_answers = 0;
      /* The last frame comes before the news of success, which names it. */
      if (task->state == SEEDANCE_TASK_SUCCEEDED
          && (ret = gst_seedance_src_deliver_last_frame (src, task))
          != GST_FLOW_OK) {
        seedance_task_free (task);
        g_free (last_status);
        return ret;
      }
      if (changed) {
        g_free (last_status);
        last_status = g_strdup (task->status);
        GST_INFO_OBJECT (src, "task %s: %s after %.1f s", src->run_task_id,
            task->status, (gdouble) elapsed / G_USEC_PER_SEC);
        gst_seedance_src_post_task (src, task->status, task, elapsed);
      }
      if (changed || now - last_progress >= PROGRESS_EVERY_US) {
        gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_CONTINUE,
            "%s: %s, %" G_GINT64_FORMAT " s", src->run_task_id,
            task->status, elapsed / G_USEC_PER_SEC);
        last_progress = now;
      }

      if (task->state != SEEDANCE_TASK_RUNNING)
        gst_seedance_src_journal_record_task (src, task);
      if (task->state == SEEDANCE_TASK_SUCCEEDED) {
        src->video_url = g_strdup (task->video_url);
        seedance_task_free (task);
        break;
      }
      if (task->state == SEEDANCE_TASK_FAILED) {
        /* Never resumed implicitly again: a restart submits anew. */
        GST_OBJECT_LOCK (src);
        src->task_failed = g_strcmp0 (src->settings.task_id,
            src->run_task_id) == 0;
        GST_OBJECT_UNLOCK (src);
        g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TASK_FAILED,
            "Task %s failed on the server: %s", src->run_task_id,
            task->failure);
        seedance_task_free (task);
        goto failed;
      }
      seedance_task_free (task);

      wait = interval;
      if (now - polling_since >= POLL_STEADY_US)
        interval = MIN (interval * POLL_BACKOFF_FACTOR,
            MAX (POLL_CEILING_MS, (gint64) src->run_poll_interval));
    }

    remaining = gst_seedance_src_remaining_ms (src);
    if (wait > remaining) {
      wait = remaining;
      if (wait <= 0)
        goto timed_out;
    }
    if (!gst_seedance_src_wait (src, wait))
      goto flushing;
  }

  g_free (last_status);
  return GST_FLOW_OK;

  /* ERROR */
timed_out:
  {
    g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
        "Task %s did not finish within timeout=%u s. It keeps running on "
        "the server and is paid for: resume it with task-id=%s (and a "
        "larger timeout, or timeout=0)", src->run_task_id,
        src->run_timeout, src->run_task_id);
  }
failed:
  {
    g_free (last_status);
    return GST_SEEDANCE_SRC_FAIL (src, error, answer.http_status);
  }
flushing:
  {
    g_free (last_status);
    return gst_seedance_src_interrupted (src);
  }
}

/* ------------------------------------------------------------------------ */
/* The reader's hooks (seedancereader.c) */

static gboolean
gst_seedance_src_reader_wait (gpointer user_data, gint64 ms)
{
  return gst_seedance_src_wait (GST_SEEDANCE_SRC (user_data), ms);
}

static gboolean
gst_seedance_src_reader_is_flushing (gpointer user_data)
{
  return gst_seedance_src_is_flushing (GST_SEEDANCE_SRC (user_data));
}

/* The clip's size is the byte duration, as souphttpsrc has it. */
static void
gst_seedance_src_reader_size_changed (gpointer user_data, gint64 size)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  GST_OBJECT_LOCK (src);
  GST_BASE_SRC (src)->segment.duration = size;
  GST_OBJECT_UNLOCK (src);
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_duration_changed (GST_OBJECT (src)));
}

/* The followers of this run wait on while its download moves. */
static void
gst_seedance_src_reader_run_moved (gpointer user_data)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  if (src->shared_run)
    seedance_shared_run_touch (src->shared_run);
}

static void
gst_seedance_src_reader_release_run (gpointer user_data, gboolean cached)
{
  gst_seedance_src_release_run (GST_SEEDANCE_SRC (user_data), cached, NULL);
}

/* The whole clip is in the cache: its entry says so. */
static void
gst_seedance_src_reader_clip_cached (gpointer user_data,
    const gchar * sha256, gint64 size)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);
  SeedanceJournalEntry *entry;
  gboolean took;

  if ((entry = gst_seedance_src_journal_begin (src, &took))) {
    g_free (entry->clip_sha256);
    entry->clip_sha256 = g_strdup (sha256);
    entry->clip_size = size;
    gst_seedance_src_journal_end (src, entry, took);
  }
}

static SeedanceReader *
gst_seedance_src_new_reader (GstSeedanceSrc * src)
{
  static const SeedanceReaderHooks hooks = {
    gst_seedance_src_reader_wait,
    gst_seedance_src_reader_is_flushing,
    gst_seedance_src_reader_size_changed,
    gst_seedance_src_reader_run_moved,
    gst_seedance_src_reader_release_run,
    gst_seedance_src_reader_clip_cached,
  };

  return seedance_reader_new (GST_OBJECT (src), src->cancellable, &hooks, src);
}

static GstFlowReturn
gst_seedance_src_create (GstBaseSrc * bsrc, guint64 offset, guint length,
    GstBuffer ** outbuf)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (bsrc);
  SeedanceReaderResult result;
  GstFlowReturn ret;
  GstBuffer *buf = NULL;
  GstMapInfo map;
  GError *error = NULL;
  gboolean cached;
  gsize filled = 0;
  guint status = 0;
  gint64 stop;

  if (src->video_url == NULL && !seedance_reader_has_cached_clip (src->reader)) {
    /* timeout bounds the whole wait, submission included, across flushes */
    if (src->run_start == 0) {
      src->run_start = g_get_monotonic_time ();
      /* The budget serves older runs first: a submission or a resumed
       * task's polls queue by the run's start. */
      seedance_client_set_priority (src->client, src->run_start);
    }
  decide:
    if (src->journal && src->run_task_id == NULL
        && src->run_cache_mode == GST_SEEDANCE_CACHE_MODE_REUSE
        && (!src->run_joined || (src->shared_run && !src->leads_run))
        && (ret = gst_seedance_src_follow_run (src)) != GST_FLOW_OK)
      return ret;
    if (src->journal && !src->journal_consulted && src->run_task_id == NULL
        && (ret = gst_seedance_src_consult_journal (src)) != GST_FLOW_OK)
      return ret;
    if (seedance_reader_has_cached_clip (src->reader)) {
      /* One START a run, though it waited for another pipeline first. */
      gst_seedance_src_post_progress (src, src->progress_open ?
          GST_PROGRESS_TYPE_CONTINUE : GST_PROGRESS_TYPE_START,
          "%s: playing the cached clip", src->run_task_id);
      if ((ret = gst_seedance_src_announce_cached (src)) != GST_FLOW_OK)
        return ret;
    } else {
      if (src->run_task_id && !src->progress_open)
        gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_START,
            "%s: resuming", src->run_task_id);
      if (src->run_task_id == NULL) {
        ret = gst_seedance_src_submit (src);
        if (ret == GST_SEEDANCE_SRC_FLOW_DECIDE_AGAIN)
          goto decide;
        if (ret != GST_FLOW_OK)
          return ret;
      }
      if ((ret = gst_seedance_src_poll (src)) != GST_FLOW_OK)
        return ret;
      gst_seedance_src_post_progress (src, GST_PROGRESS_TYPE_COMPLETE,
          "%s: downloading the clip", src->run_task_id);
    }
  }
  cached = seedance_reader_has_cached_clip (src->reader);

  /* A flush cut a cached replay's last frame short (a run that downloads
   * the clip has its frame before): it still comes first. */
  if (cached && src->last_frame
      && !seedance_last_frame_is_settled (src->last_frame)
      && (ret = gst_seedance_src_announce_cached (src)) != GST_FLOW_OK)
    return ret;
  /* blocksize may change while playing; 0 would read nothing, ever. */
  if (length == 0)
    length = DEFAULT_BLOCKSIZE;

  seedance_reader_configure (src->reader, src->client, src->journal,
      src->run_task_id, src->run_cache_bytes, src->max_clip_size,
      src->run_timeout);
  /* A segment's stop (bytes) ends the download there. */
  GST_OBJECT_LOCK (src);
  stop = bsrc->segment.stop == G_MAXUINT64 ? -1 : (gint64) bsrc->segment.stop;
  GST_OBJECT_UNLOCK (src);
  while ((result = seedance_reader_prepare (src->reader, src->video_url,
              offset, stop, &length, &status, &error))
      == SEEDANCE_READER_URL_REFUSED && !src->url_refreshed
      && !gst_seedance_src_is_flushing (src)) {
    /* Result URLs expire: the task gives a fresh one while its outputs
     * last. Asked once per run. */
    GST_INFO_OBJECT (src, "the result URL was refused (%s): asking task "
        "%s for a fresh one", error->message, src->run_task_id);
    g_clear_error (&error);
    src->url_refreshed = TRUE;
    g_clear_pointer (&src->video_url, g_free);
    if ((ret = gst_seedance_src_poll (src)) != GST_FLOW_OK)
      return ret;
  }
  if (result == SEEDANCE_READER_EOS)
    return GST_FLOW_EOS;
  if (result != SEEDANCE_READER_OK)
    return GST_SEEDANCE_SRC_FAIL (src, error, status);

  ret = GST_BASE_SRC_CLASS (parent_class)->alloc (bsrc, offset, length, &buf);
  if (ret != GST_FLOW_OK)
    return ret;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  result = seedance_reader_fill (src->reader, offset, map.data, length,
      &filled, &status, &error);
  gst_buffer_unmap (buf, &map);
  if (result != SEEDANCE_READER_OK) {
    gst_buffer_unref (buf);
    if (result == SEEDANCE_READER_EOS)
      return GST_FLOW_EOS;
    if (cached)
      return GST_SEEDANCE_SRC_POST_FAILURE (src, error, 0, NULL);
    return GST_SEEDANCE_SRC_FAIL (src, error, status);
  }

  gst_buffer_set_size (buf, filled);
  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_OFFSET_END (buf) = offset + filled;
  *outbuf = buf;
  return GST_FLOW_OK;
}

static gboolean
gst_seedance_src_is_seekable (GstBaseSrc * bsrc)
{
  return seedance_reader_is_seekable (GST_SEEDANCE_SRC (bsrc)->reader);
}

static gboolean
gst_seedance_src_get_size (GstBaseSrc * bsrc, guint64 * size)
{
  return seedance_reader_get_size (GST_SEEDANCE_SRC (bsrc)->reader, size);
}

static gboolean
gst_seedance_src_query (GstBaseSrc * bsrc, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_SCHEDULING) {
    /* Push mode only: in pull mode a demuxer's every jump between tracks
     * would cost an HTTP request. Seeks stay possible (Range requests)
     * unless the file host ignores Range. */
    gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_BANDWIDTH_LIMITED |
        (seedance_reader_is_seekable (GST_SEEDANCE_SRC (bsrc)->reader) ?
            GST_SCHEDULING_FLAG_SEEKABLE : GST_SCHEDULING_FLAG_SEQUENTIAL),
        1, -1, 0);
    gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
    return TRUE;
  }
  return GST_BASE_SRC_CLASS (parent_class)->query (bsrc, query);
}
