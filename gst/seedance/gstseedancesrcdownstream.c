/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Whether the pipeline can play the clip, asked before anything is paid:
 * the src pad must lead somewhere, and what it leads to must take
 * video/quicktime. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstseedancesrc.h"
#include "seedanceerror.h"

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

/* A generated clip is paid for: it must have somewhere to go that takes
 * an MP4, or nothing is generated. Checked before the state change and
 * again just before the submission (a pipeline may be relinked meanwhile);
 * @detail gets what the element linked to the pad accepts. @prompt
 * (nullable) only serves a hint. */
gboolean
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
