/* 书香 lecture hall player.
 *
 * Plays <video data-hls="URL"> elements: through hls.js (Media Source
 * Extensions) where the browser has them, else through the browser's own
 * HLS (Safari), else says so in the player's [data-player-status] element
 * (inside the video's `.player` section).
 *
 *   shuxiangPlayer.attach(video)   get it ready to play; a no-op when it is
 *   shuxiangPlayer.detach(video)   stop loading and free the hls.js instance
 *
 * hls.js (/vendor/hls.light.min.js, 389 KB, served by the platform) is loaded
 * only when the viewer presses play: a phone that opens the page to read
 * about the lecture neither downloads nor runs it, nor any video.
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

  var HLS_SRC = '/vendor/hls.light.min.js';
  var LOADING = '正在载入播放器…';
  var START = '▶ 播放';
  var hlsLoading = null;

  // Calls back with hls.js once it is loaded (null when it cannot be).
  function withHls(done) {
    if (window.Hls) return done(window.Hls);
    if (!hlsLoading) {
      hlsLoading = [];
      var script = document.createElement('script');
      script.src = HLS_SRC;
      script.async = true;
      script.onload = script.onerror = function () {
        var waiting = hlsLoading;
        hlsLoading = null;
        for (var i = 0; i < waiting.length; i++) waiting[i](window.Hls || null);
      };
      document.head.appendChild(script);
    }
    hlsLoading.push(done);
  }

  function hasMediaSource() {
    return !!(window.MediaSource || window.ManagedMediaSource);
  }

  // The player's status line: the [data-player-status] element of the
  // .player section the video is in.
  function statusOf(video) {
    var player = video.closest ? video.closest('.player') : null;
    return player ? player.querySelector('[data-player-status]') : null;
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
    if (video.shuxiangNative || video.shuxiangWaiting) return video;

    if (hasMediaSource()) {
      // Nothing until the viewer asks to play: the start button (a video
      // without a source has no working play control), or play() called
      // on the video. hls.js then takes over.
      video.shuxiangWaiting = true;
      // Its controls would not play anything yet.
      var controls = video.controls;
      video.controls = false;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'button primary large player-start';
      button.textContent = START;
      var started = false;
      var begin = function () {
        if (started) return;
        started = true;
        video.removeEventListener('play', begin);
        button.disabled = true;
        say(video, LOADING);
        withHls(function (Hls) {
          video.shuxiangWaiting = false;
          video.controls = controls;
          if (button.parentNode) button.parentNode.removeChild(button);
          if (!document.documentElement.contains(video)) return;
          if (Hls && Hls.isSupported()) {
            say(video, '');
            var hls = startHls(video, url, Hls);
            // Giving the video its source resets it to paused: the viewer
            // asked to play, so play once the stream is known.
            hls.on(Hls.Events.MANIFEST_PARSED, function () { playQuietly(video); });
          } else if (playNatively(video, url)) {
            playQuietly(video);
          } else {
            say(video, NOT_SUPPORTED);
          }
        });
      };
      button.addEventListener('click', begin);
      video.addEventListener('play', begin);
      // A touch or a key on the button is a hint: start fetching hls.js.
      var warm = function () { withHls(function () {}); };
      button.addEventListener('pointerdown', warm, { once: true });
      button.addEventListener('focus', warm, { once: true });
      video.parentNode.insertBefore(button, video.nextSibling);
      return video;
    }

    if (playNatively(video, url)) return video;
    say(video, NOT_SUPPORTED);
    return null;
  }

  function playQuietly(video) {
    var playing = video.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  function playNatively(video, url) {
    if (!video.canPlayType || !video.canPlayType('application/vnd.apple.mpegurl')) return false;
    video.shuxiangNative = true;
    video.src = url;
    return true;
  }

  function startHls(video, url, Hls) {
    var hls = new Hls();
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
          if (hls.levels && hls.levels.length) hls.startLoad();
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
