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

#include "gstseedancesrc.h"
#include "seedanceenums.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (gst_seedance_src_debug);
#define GST_CAT_DEFAULT gst_seedance_src_debug

/* What the API delivers: an MP4. Downstream must take it, or nothing is
 * generated (see gstseedancesrcdownstream.c). */
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/quicktime"));

#define DEFAULT_BLOCKSIZE (64 * 1024)
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
static SeedanceReader *gst_seedance_src_new_reader (GstSeedanceSrc * src);
static SeedanceRun *gst_seedance_src_new_run (GstSeedanceSrc * src);
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
    seedance_run_post_failure_at ((src)->run, (error), (status), (detail), \
        __FILE__, GST_FUNCTION, __LINE__)
#define GST_SEEDANCE_SRC_FAIL(src, error, status) \
    seedance_run_fail_at ((src)->run, (error), (status), __FILE__, \
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
  seedance_run_reset (src->run);
  src->prepared = FALSE;
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
  src->run = gst_seedance_src_new_run (src);
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
  seedance_run_free (src->run);
  seedance_reader_free (src->reader);
  g_object_unref (src->cancellable);
  g_mutex_clear (&src->wait_lock);
  g_cond_clear (&src->wait_cond);

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
  const gchar *task_id = seedance_run_get_task_id (src->run);
  GstStructure *details;
  GQuark domain;
  gint code;
  gchar *answer, *debug;

  seedance_error_to_gst (error, &domain, &code);
  details = gst_structure_new ("details", "task-id", G_TYPE_STRING,
      task_id, "http-status-code", G_TYPE_UINT, http_status, NULL);
  answer = http_status ? g_strdup_printf ("HTTP status %u", http_status) :
      g_strdup ("no HTTP answer");
  debug = g_strdup_printf ("%s error; task %s; %s%s%s", error->domain ==
      SEEDANCE_ERROR ? seedance_error_code_name (error->code) :
      g_quark_to_string (error->domain), task_id ? task_id : "none", answer,
      detail ? "; " : "", detail ? detail : "");
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
  cache_dir = settings.cache_dir && *settings.cache_dir ?
      g_strdup (settings.cache_dir) : seedance_journal_default_dir ();

  if (!seedance_settings_check (&settings, &origin, &error)
      || !gst_seedance_src_check_blocksize (src, &error)
      || !gst_seedance_src_read_max_clip_size (src, &error)
      || !seedance_run_set_request (src->run, &settings, origin,
          task_fingerprint, task_failed, &forget_task, &error))
    goto done;
  /* The journal is opened (and its directories made) only for a run that
   * can play. */
  if (!gst_seedance_src_check_downstream (src, request->prompt, &error, &detail)
      || !seedance_run_open (src->run, &settings, origin, cache_dir, &error))
    goto done;
  GST_INFO_OBJECT (src, "ready to %s at %s",
      seedance_run_get_task_id (src->run) ? "resume a task" :
      "submit a task", origin);
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
  seedance_run_abandon_submission (src->run);
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
  /* A run that a flush interrupted ends here: close its progress. */
  seedance_run_stop (src->run);
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

/* Sleeps up to ms milliseconds; FALSE when unlock() interrupted it. The
 * run's and the reader's hook. */
static gboolean
gst_seedance_src_wait (gpointer user_data, gint64 ms)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  gboolean flushing;

  g_mutex_lock (&src->wait_lock);
  while (!src->flushing && g_cond_wait_until (&src->wait_cond,
          &src->wait_lock, end));
  flushing = src->flushing;
  g_mutex_unlock (&src->wait_lock);
  return !flushing;
}

/* The run's and the reader's hook. */
static gboolean
gst_seedance_src_is_flushing (gpointer user_data)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);
  gboolean flushing;

  g_mutex_lock (&src->wait_lock);
  flushing = src->flushing;
  g_mutex_unlock (&src->wait_lock);
  return flushing || g_cancellable_is_cancelled (src->cancellable);
}

/* ------------------------------------------------------------------------ */
/* The run's hooks (seedancerun.c) */

/* With the wait lock held. */
static gboolean
gst_seedance_src_run_interrupted (gpointer user_data, gboolean * ending)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  *ending = src->stopping || src->ending;
  return src->flushing;
}

static void
gst_seedance_src_run_post_progress (gpointer user_data, GstProgressType type,
    const gchar * text)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_progress (GST_OBJECT (src), type, PROGRESS_CODE, text));
}

static void
gst_seedance_src_run_post_message (gpointer user_data, GstStructure * s)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_element (GST_OBJECT (src), s));
}

static void
gst_seedance_src_run_set_task_id (gpointer user_data, const gchar * task_id,
    const gchar * fingerprint)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  GST_OBJECT_LOCK (src);
  g_free (src->settings.task_id);
  src->settings.task_id = g_strdup (task_id);
  g_free (src->task_fingerprint);
  src->task_fingerprint = g_strdup (fingerprint);
  src->task_failed = FALSE;
  GST_OBJECT_UNLOCK (src);
  g_object_notify_by_pspec (G_OBJECT (src),
      seedance_settings_get_pspec (SEEDANCE_PROP_TASK_ID));
}

static void
gst_seedance_src_run_task_failed (gpointer user_data, const gchar * task_id)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  GST_OBJECT_LOCK (src);
  src->task_failed = g_strcmp0 (src->settings.task_id, task_id) == 0;
  GST_OBJECT_UNLOCK (src);
}

static gboolean
gst_seedance_src_run_is_uncertain (gpointer user_data,
    const gchar * fingerprint)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);
  gboolean uncertain;

  GST_OBJECT_LOCK (src);
  uncertain = g_strcmp0 (src->uncertain_fingerprint, fingerprint) == 0;
  GST_OBJECT_UNLOCK (src);
  return uncertain;
}

static void
gst_seedance_src_run_set_uncertain (gpointer user_data,
    const gchar * fingerprint)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (user_data);

  GST_OBJECT_LOCK (src);
  g_free (src->uncertain_fingerprint);
  src->uncertain_fingerprint = g_strdup (fingerprint);
  GST_OBJECT_UNLOCK (src);
}

static gboolean
gst_seedance_src_run_check_downstream (gpointer user_data, GError ** error,
    gchar ** detail)
{
  return gst_seedance_src_check_downstream (GST_SEEDANCE_SRC (user_data),
      NULL, error, detail);
}

static void
gst_seedance_src_run_post_error (gpointer user_data, const GError * error,
    guint status, const gchar * detail, const gchar * file,
    const gchar * function, gint line)
{
  gst_seedance_src_post_error_at (GST_SEEDANCE_SRC (user_data), error, status,
      detail, file, function, line);
}

static void
gst_seedance_src_run_post_warning (gpointer user_data, gint code,
    gchar * text, gchar * debug, const gchar * file, const gchar * function,
    gint line)
{
  gst_element_message_full (GST_ELEMENT (user_data), GST_MESSAGE_WARNING,
      GST_RESOURCE_ERROR, code, text, debug, file, function, line);
}

static SeedanceRun *
gst_seedance_src_new_run (GstSeedanceSrc * src)
{
  static const SeedanceRunHooks hooks = {
    gst_seedance_src_wait,
    gst_seedance_src_is_flushing,
    gst_seedance_src_run_interrupted,
    gst_seedance_src_run_post_progress,
    gst_seedance_src_run_post_message,
    gst_seedance_src_run_set_task_id,
    gst_seedance_src_run_task_failed,
    gst_seedance_src_run_is_uncertain,
    gst_seedance_src_run_set_uncertain,
    gst_seedance_src_run_check_downstream,
    gst_seedance_src_run_post_error,
    gst_seedance_src_run_post_warning,
  };

  return seedance_run_new (GST_OBJECT (src), src->cancellable,
      &src->wait_lock, &src->wait_cond, src->reader, &hooks, src);
}

/* ------------------------------------------------------------------------ */
/* The reader's hooks (seedancereader.c) */

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
  seedance_run_touch (GST_SEEDANCE_SRC (user_data)->run);
}

static void
gst_seedance_src_reader_release_run (gpointer user_data, gboolean cached)
{
  seedance_run_release (GST_SEEDANCE_SRC (user_data)->run, cached, NULL);
}

/* The whole clip is in the cache: its entry says so. */
static void
gst_seedance_src_reader_clip_cached (gpointer user_data,
    const gchar * sums, gint64 size)
{
  seedance_run_record_clip (GST_SEEDANCE_SRC (user_data)->run, sums, size);
}

static void
gst_seedance_src_reader_clip_discarded (gpointer user_data,
    const GError * warning)
{
  seedance_run_discard_clip (GST_SEEDANCE_SRC (user_data)->run, warning);
}

static SeedanceReader *
gst_seedance_src_new_reader (GstSeedanceSrc * src)
{
  static const SeedanceReaderHooks hooks = {
    gst_seedance_src_wait,
    gst_seedance_src_is_flushing,
    gst_seedance_src_reader_size_changed,
    gst_seedance_src_reader_run_moved,
    gst_seedance_src_reader_release_run,
    gst_seedance_src_reader_clip_cached,
    gst_seedance_src_reader_clip_discarded,
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
  GError *error = NULL;
  gboolean cached;
  gsize filled = 0;
  guint status = 0;
  gint64 stop, reverse_start;

  if ((ret = seedance_run_get_clip (src->run)) != GST_FLOW_OK)
    return ret;
  cached = seedance_reader_has_cached_clip (src->reader);

  /* blocksize may change while playing; 0 would read nothing, ever. */
  if (length == 0)
    length = DEFAULT_BLOCKSIZE;

  seedance_run_configure_reader (src->run, src->max_clip_size);
  /* A segment's stop (bytes) ends the download there. */
  GST_OBJECT_LOCK (src);
  stop = bsrc->segment.stop == G_MAXUINT64 ? -1 : (gint64) bsrc->segment.stop;
  reverse_start = bsrc->segment.rate < 0 ? (gint64) bsrc->segment.start : -1;
  GST_OBJECT_UNLOCK (src);
  while ((result = seedance_reader_prepare (src->reader,
              seedance_run_get_video_url (src->run), offset, stop,
              reverse_start, &length, &status,
              &error)) == SEEDANCE_READER_URL_REFUSED
      && seedance_run_can_refresh_url (src->run)
      && !gst_seedance_src_is_flushing (src)) {
    /* Result URLs expire: the task gives a fresh one while its outputs
     * last. Asked once per run. */
    GST_INFO_OBJECT (src, "the result URL was refused (%s): asking task "
        "%s for a fresh one", error->message,
        seedance_run_get_task_id (src->run));
    g_clear_error (&error);
    if ((ret = seedance_run_refresh_url (src->run)) != GST_FLOW_OK)
      return ret;
  }
  if (result == SEEDANCE_READER_EOS)
    return GST_FLOW_EOS;
  if (result != SEEDANCE_READER_OK)
    return GST_SEEDANCE_SRC_FAIL (src, error, status);

  ret = GST_BASE_SRC_CLASS (parent_class)->alloc (bsrc, offset, length, &buf);
  if (ret != GST_FLOW_OK)
    return ret;
  result = seedance_reader_fill (src->reader, offset, buf, &filled, &status,
      &error);
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
