/* 书香 lecture hall player.
 *
 * Plays <video data-hls="URL"> elements: through hls.js (Media Source
 * Extensions) when it is loaded and supported, else through the browser's own
 * HLS (Safari), else says so in a sibling [data-player-status] element.
 * Load /vendor/hls.light.min.js before this file (both served by the platform).
 *
 *   shuxiangPlayer.attach(video)   start playing; a no-op when already attached
 *   shuxiangPlayer.detach(video)   stop loading and free the hls.js instance
 *
 * Segments are fetched once the viewer presses play (the playlist before).
 * Every video[data-hls] is attached on DOMContentLoaded, and later ones (a page
 * reached by client-side navigation) when they are added to the document.
 * Plain ES5: no eval, no inline handlers, so it works under a strict CSP
 * (hls.js itself needs `worker-src blob:` if the CSP ever restricts workers).
 */
(function () {
  'use strict';

  var NOT_SUPPORTED = '此浏览器无法直接播放直播流，请使用下方的观看链接。';
  var FAILED = '直播流暂时无法播放，请稍后刷新页面，或使用下方的观看链接。';
  var RETRY_MS = 3000;
  var MAX_MEDIA_RECOVERIES = 3;

  function statusOf(video) {
    var parent = video.parentNode;
    if (!parent || !parent.children) return null;
    for (var i = 0; i < parent.children.length; i++) {
      var el = parent.children[i];
      if (el !== video && el.hasAttribute('data-player-status')) return el;
    }
    return null;
  }

  function say(video, text) {
    var status = statusOf(video);
    if (status) status.textContent = text;
  }

  function detach(video) {
    if (!video) return;
    var hls = video.shuxiangHls;
    if (hls) {
      video.shuxiangHls = null;
      hls.destroy();
    }
  }

  function attach(video) {
    if (!video || !video.getAttribute) return null;
    var url = video.getAttribute('data-hls');
    if (!url) return null;
    if (video.shuxiangHls) return video.shuxiangHls;
    if (video.shuxiangNative) return video;

    var Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      // Only the playlist until the viewer presses play: a phone that
      // opens the page to read about the lecture downloads no video.
      var hls = new Hls({ autoStartLoad: false });
      var started = false;
      video.addEventListener('play', function () {
        if (started || video.shuxiangHls !== hls) return;
        started = true;
        hls.startLoad();
      });
      var networkRetried = false;
      var mediaRecoveries = 0;
      video.shuxiangHls = hls;

      // A segment arrived: the next network outage gets its own retry.
      hls.on(Hls.Events.FRAG_LOADED, function () {
        networkRetried = false;
      });
      hls.on(Hls.Events.ERROR, function (event, data) {
        if (!data || !data.fatal || video.shuxiangHls !== hls) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR && !networkRetried) {
          networkRetried = true;
          setTimeout(function () {
            if (video.shuxiangHls !== hls) return;
            // startLoad() does not fetch a manifest that never arrived.
            if (hls.levels && hls.levels.length) {
              if (started) hls.startLoad();
            }
            else hls.loadSource(url);
          }, RETRY_MS);
        } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR &&
                   mediaRecoveries < MAX_MEDIA_RECOVERIES) {
          mediaRecoveries++;
          hls.recoverMediaError();
        } else {
          detach(video);
          say(video, FAILED);
        }
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      return hls;
    }

    if (video.canPlayType && video.canPlayType('application/vnd.apple.mpegurl')) {
      video.shuxiangNative = true;
      video.src = url;
      return video;
    }

    say(video, NOT_SUPPORTED);
    return null;
  }

  function attachAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches('video[data-hls]')) attach(root);
    var videos = root.querySelectorAll('video[data-hls]');
    for (var i = 0; i < videos.length; i++) attach(videos[i]);
  }

  // Frees players whose video has left the document (checked after the whole
  // batch of mutations, so a video that was only moved keeps playing).
  function detachGone(root) {
    if (!root || !root.querySelectorAll) return;
    var videos = root.matches && root.matches('video[data-hls]') ? [root] : [];
    var inner = root.querySelectorAll('video[data-hls]');
    for (var i = 0; i < inner.length; i++) videos.push(inner[i]);
    for (var j = 0; j < videos.length; j++) {
      if (!document.documentElement.contains(videos[j])) detach(videos[j]);
    }
  }

  function start() {
    attachAll(document);
    if (!window.MutationObserver) return;
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        var r = records[i];
        for (var a = 0; a < r.addedNodes.length; a++) attachAll(r.addedNodes[a]);
        for (var d = 0; d < r.removedNodes.length; d++) detachGone(r.removedNodes[d]);
      }
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  window.shuxiangPlayer = { attach: attach, detach: detach };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
