//! The live side of watch pages: how many are watching now, the audience
//! figure and the questions, pushed to every open page over Server-Sent
//! Events; and watch-page opens (views) and the browsers of the online
//! audience, counted in memory and added to the database in batches (the
//! live channel writes nothing on the request path; at most one tick of
//! counts is lost when a server crashes, nothing at a graceful shutdown).
//! Live connections are capped per client address.
//!
//! Each server keeps a room per session with open pages. A ticker looks at
//! the rooms twice a second and sends what changed. With PostgreSQL, several
//! servers share one database and tell each other through LISTEN/NOTIFY:
//! each announces its own watcher count every second, and that questions or
//! the audience changed; every server adds the others' counts to its own.
//! The notes travel on the server's one LISTEN connection, `platform::bus`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::queries::{self, audience, questions};
use super::{Audience, LiveCounts};
use platform::bus::{Bus, Heard};
use platform::{Backend, Db};

/// The NOTIFY channel servers share.
const CHANNEL: &str = "shuxiang_live";
/// How often rooms are looked at.
const TICK: Duration = Duration::from_millis(500);
/// A server's announced count is forgotten after this long without news.
const REMOTE_TTL: Duration = Duration::from_secs(5);
/// The audience is recounted at least this often while pages are open.
const AUDIENCE_EVERY: Duration = Duration::from_secs(10);
/// Browsers remembered as already recorded, per server, before forgetting.
const SEEN_MAX: usize = 200_000;
/// How long a browser refused a place in the audience is not asked about again.
const REFUSED_FOR: Duration = Duration::from_secs(60);

/// One frame for the pages of a room: the SSE event name and its JSON.
#[derive(Debug, Clone)]
pub struct Frame {
    pub event: &'static str,
    pub data: Arc<str>,
}

struct Room {
    local: AtomicI64,
    tx: broadcast::Sender<Frame>,
    remote: Mutex<HashMap<String, (i64, Instant)>>,
    questions_dirty: AtomicBool,
    audience_dirty: AtomicBool,
    state: Mutex<RoomState>,
    pending_views: AtomicI64,
}

#[derive(Default)]
struct RoomState {
    counts: Option<LiveCounts>,
    counts_frame: Option<Frame>,
    questions_frame: Option<Frame>,
    audience: Audience,
    audience_at: Option<Instant>,
    announced: Option<i64>,
    idle_since: Option<Instant>,
}

impl Room {
    fn new() -> Room {
        Room {
            local: AtomicI64::new(0),
            tx: broadcast::channel(64).0,
            remote: Mutex::new(HashMap::new()),
            questions_dirty: AtomicBool::new(true),
            audience_dirty: AtomicBool::new(true),
            state: Mutex::new(RoomState::default()),
            pending_views: AtomicI64::new(0),
        }
    }

    fn watching(&self) -> i64 {
        let now = Instant::now();
        let mut remote = self.remote.lock().expect("room lock");
        remote.retain(|_, (_, at)| now.duration_since(*at) < REMOTE_TTL);
        self.local.load(Ordering::Relaxed) + remote.values().map(|(n, _)| *n).sum::<i64>()
    }
}

/// What servers tell each other.
#[derive(Debug, Serialize, Deserialize)]
struct Note {
    /// The sending server.
    n: String,
    /// The session.
    l: i64,
    /// Its watcher count on the sender, when announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    w: Option<i64>,
    /// Questions changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    q: bool,
    /// The audience changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    a: bool,
}

/// What this server knows about a browser in a session's audience.
struct Seen {
    counted: bool,
    checked: Instant,
    last_view: Option<Instant>,
}

/// Open live connections per client address (the rate-limit key).
type Connections = Arc<Mutex<HashMap<String, i64>>>;

/// Browsers counted in an audience on this server since the last flush.
#[derive(Default)]
struct PendingViewers {
    /// Per session, the browsers and the cap on browsers per address.
    rows: HashMap<i64, (Vec<audience::NewViewer>, i64)>,
    /// The browsers among them, to answer "known" without the database.
    ids: HashSet<(i64, String)>,
    /// How many of them each (session, address key) has. A browser stays
    /// in `ids` and here until its row is written, also while a batch is
    /// being written, so the cap holds between the batch and the database.
    per_address: HashMap<(i64, String), i64>,
    /// Advances each time written browsers leave `ids`: an answer of the
    /// database read before that may miss them, and is asked again.
    landed: u64,
}

/// The live state of one server.
pub struct LiveHub {
    db: Db,
    rooms: Mutex<HashMap<i64, Arc<Room>>>,
    seen: Mutex<HashMap<(i64, String), Seen>>,
    pending_viewers: Mutex<PendingViewers>,
    /// Held while counts are written, so that the flush at shutdown waits
    /// for a batch the ticker is writing.
    flushing: tokio::sync::Mutex<()>,
    /// How often counts are written, and when they last were.
    flush_every: Duration,
    flushed_at: Mutex<Instant>,
    connections: Connections,
    closing: tokio::sync::watch::Sender<bool>,
    bus: Arc<Bus>,
}

/// An open watch page: counted as watching while it lives, if `counted`.
pub struct Watcher {
    room: Arc<Room>,
    counted: bool,
    pub frames: broadcast::Receiver<Frame>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if self.counted {
            self.room.local.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// One of an address's live connections, given back when dropped.
pub struct Connection {
    connections: Connections,
    address: String,
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut open = self.connections.lock().expect("connections lock");
        if let Some(n) = open.get_mut(&self.address) {
            *n -= 1;
            if *n <= 0 {
                open.remove(&self.address);
            }
        }
    }
}

impl LiveHub {
    /// A hub for one server that writes what it counts every `flush_every`
    /// (a crash loses at most that much) and hears the other servers on
    /// `bus`; `start` sets its ticker going.
    pub fn new(db: Db, bus: &Arc<Bus>, flush_every: Duration) -> Arc<LiveHub> {
        let hub = Arc::new(LiveHub {
            db,
            rooms: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashMap::new()),
            pending_viewers: Mutex::new(PendingViewers::default()),
            flushing: tokio::sync::Mutex::new(()),
            flush_every,
            flushed_at: Mutex::new(Instant::now()),
            connections: Arc::new(Mutex::new(HashMap::new())),
            closing: tokio::sync::watch::channel(false).0,
            bus: Arc::clone(bus),
        });
        let weak = Arc::downgrade(&hub);
        bus.on(CHANNEL, move |heard| {
            let Some(hub) = weak.upgrade() else { return };
            match heard {
                Heard::Note(payload) => match serde_json::from_str::<Note>(payload) {
                    Ok(note) => hub.heard(note),
                    Err(e) => tracing::warn!(error = %e, "bad live note"),
                },
                Heard::Missed => hub.missed_notes(),
            }
        });
        hub
    }

    /// Ends every live channel (the server is shutting down: open pages
    /// would otherwise hold it up; they reconnect to another server).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// Resolves when `close` is called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|c| *c).await;
        }
    }

    /// Starts the background tasks under `tasks`: the ticker and, on
    /// PostgreSQL, the listener (which stops reconnecting when they stop).
    pub fn start(self: &Arc<Self>, tasks: &mut platform::tasks::Tasks) {
        let hub = Arc::clone(self);
        tasks.every(TICK, move || {
            let hub = Arc::clone(&hub);
            async move { hub.tick().await }
        });
    }

    fn room(&self, lecture_id: i64) -> Arc<Room> {
        let mut rooms = self.rooms.lock().expect("rooms lock");
        Arc::clone(
            rooms
                .entry(lecture_id)
                .or_insert_with(|| Arc::new(Room::new())),
        )
    }

    fn existing_room(&self, lecture_id: i64) -> Option<Arc<Room>> {
        self.rooms
            .lock()
            .expect("rooms lock")
            .get(&lecture_id)
            .cloned()
    }

    /// Takes one of `address`'s live connections on this server, or `None`
    /// when it has `max` open already.
    pub fn connect(&self, address: String, max: i64) -> Option<Connection> {
        let mut open = self.connections.lock().expect("connections lock");
        let n = open.entry(address.clone()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Connection {
            connections: Arc::clone(&self.connections),
            address,
        })
    }

    /// Opens a watch page's live channel; it counts as watching when
    /// `counted` (a browser with the page's viewer cookie). The first
    /// frames are the current counts and questions.
    pub async fn watch(&self, lecture_id: i64, counted: bool) -> (Watcher, Vec<Frame>) {
        let room = self.room(lecture_id);
        if counted {
            room.local.fetch_add(1, Ordering::Relaxed);
        }
        let frames = room.tx.subscribe();
        let watcher = Watcher {
            room: Arc::clone(&room),
            counted,
            frames,
        };
        let mut first = Vec::new();
        let cached = {
            let s = room.state.lock().expect("room state");
            (s.counts.clone(), s.questions_frame.clone())
        };
        let counts = match cached.0 {
            Some(mut c) => {
                c.watching = room.watching();
                c
            }
            None => LiveCounts {
                watching: room.watching(),
                audience: audience::audience(self.db.pool(), lecture_id)
                    .await
                    .unwrap_or_default(),
            },
        };
        first.push(counts_frame(&counts));
        match cached.1 {
            Some(q) => first.push(q),
            None => {
                if let Some(q) = self.questions_frame(lecture_id).await {
                    first.push(q);
                }
            }
        }
        (watcher, first)
    }

    /// Counts a browser's opening of a watch page as a view (added to the
    /// database in batches), unless this server counted one for it within
    /// `window`. Only for browsers [`note_viewer`](Self::note_viewer)
    /// counted; answers whether it was counted.
    pub fn count_view(&self, lecture_id: i64, viewer: &str, window: Duration) -> bool {
        {
            let mut seen = self.seen.lock().expect("seen lock");
            let Some(s) = seen.get_mut(&(lecture_id, viewer.to_owned())) else {
                return false;
            };
            if !s.counted || s.last_view.is_some_and(|at| at.elapsed() < window) {
                return false;
            }
            s.last_view = Some(Instant::now());
        }
        self.room(lecture_id)
            .pending_views
            .fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Counts an anonymous browser in a session's online audience (at most
    /// `per_address` from one client address), asking the database once per
    /// server and writing nothing: a new browser is added with the next
    /// batch ([`flush`](Self::flush)), and the audience recounted then.
    /// Answers whether the browser is in the audience.
    pub async fn note_viewer(
        &self,
        lecture_id: i64,
        viewer: &str,
        address_key: &str,
        per_address: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let key = (lecture_id, viewer.to_owned());
        let last_view = {
            let seen = self.seen.lock().expect("seen lock");
            match seen.get(&key) {
                Some(s) if s.counted || s.checked.elapsed() < REFUSED_FOR => {
                    return Ok(s.counted);
                }
                Some(s) => s.last_view,
                None => None,
            }
        };
        let counted = loop {
            let landed = self
                .pending_viewers
                .lock()
                .expect("pending viewers lock")
                .landed;
            let stored =
                audience::standing(self.db.pool(), lecture_id, viewer, address_key).await?;
            let mut p = self.pending_viewers.lock().expect("pending viewers lock");
            if p.landed != landed {
                // A batch landed while the database was asked.
                continue;
            }
            let address = (lecture_id, address_key.to_owned());
            let queued = p.per_address.get(&address).copied().unwrap_or(0);
            if stored.known || p.ids.contains(&key) {
                break true;
            } else if stored.at_address + queued < per_address {
                p.ids.insert(key.clone());
                *p.per_address.entry(address).or_insert(0) += 1;
                let (rows, cap) = p.rows.entry(lecture_id).or_default();
                *cap = per_address;
                rows.push(audience::NewViewer {
                    viewer: viewer.to_owned(),
                    address_key: address_key.to_owned(),
                    first_seen: now,
                });
                break true;
            } else {
                break false;
            }
        };
        let mut seen = self.seen.lock().expect("seen lock");
        if seen.len() >= SEEN_MAX {
            forget_old(&mut seen);
        }
        seen.insert(
            key,
            Seen {
                counted,
                checked: Instant::now(),
                last_view,
            },
        );
        Ok(counted)
    }

    /// Writes the browsers counted since the last batch; a session that got
    /// new ones has its audience recounted. What could not be written is
    /// kept for the next batch.
    async fn flush_viewers(&self) {
        let batch = {
            let mut p = self.pending_viewers.lock().expect("pending viewers lock");
            if p.rows.is_empty() {
                return;
            }
            std::mem::take(&mut p.rows)
        };
        for (lecture_id, (rows, cap)) in batch {
            let mut added = 0;
            let mut written = rows.len();
            for (i, chunk) in rows.chunks(audience::VIEWERS_PER_STATEMENT).enumerate() {
                match audience::add_viewers(self.db.pool(), lecture_id, chunk, cap).await {
                    Ok(n) => added += n,
                    Err(e) => {
                        tracing::warn!(error = %e, "adding viewers failed");
                        written = i * audience::VIEWERS_PER_STATEMENT;
                        self.requeue_viewers(lecture_id, &rows[written..], cap);
                        break;
                    }
                }
            }
            self.viewers_landed(lecture_id, &rows[..written]);
            if added > 0 {
                self.audience_changed(lecture_id).await;
            }
        }
    }

    /// Puts rows that could not be written back in the queue (they are
    /// still counted in `ids` and `per_address`).
    fn requeue_viewers(&self, lecture_id: i64, rows: &[audience::NewViewer], cap: i64) {
        let mut p = self.pending_viewers.lock().expect("pending viewers lock");
        let (queued, c) = p.rows.entry(lecture_id).or_default();
        *c = cap;
        queued.extend_from_slice(rows);
    }

    /// Written browsers are the database's to count from now on.
    fn viewers_landed(&self, lecture_id: i64, rows: &[audience::NewViewer]) {
        if rows.is_empty() {
            return;
        }
        let mut p = self.pending_viewers.lock().expect("pending viewers lock");
        for v in rows {
            p.ids.remove(&(lecture_id, v.viewer.clone()));
            let address = (lecture_id, v.address_key.clone());
            if let Some(n) = p.per_address.get_mut(&address) {
                *n -= 1;
                if *n <= 0 {
                    p.per_address.remove(&address);
                }
            }
        }
        p.landed += 1;
    }

    /// Registrations, check-ins or viewers of a session changed.
    pub async fn audience_changed(&self, lecture_id: i64) {
        self.changed(lecture_id, false).await;
    }

    /// A question of a session was asked, voted on, answered or hidden.
    pub async fn questions_changed(&self, lecture_id: i64) {
        self.changed(lecture_id, true).await;
    }

    /// Marks a room's questions or audience stale here and tells the others.
    async fn changed(&self, lecture_id: i64, questions: bool) {
        if let Some(room) = self.existing_room(lecture_id) {
            let dirty = if questions {
                &room.questions_dirty
            } else {
                &room.audience_dirty
            };
            dirty.store(true, Ordering::Relaxed);
        }
        self.tell(Note {
            n: self.bus.node().to_owned(),
            l: lecture_id,
            w: None,
            q: questions,
            a: !questions,
        })
        .await;
    }

    async fn questions_frame(&self, lecture_id: i64) -> Option<Frame> {
        let list = questions::list(self.db.pool(), lecture_id, false)
            .await
            .map_err(|e| tracing::warn!(error = %e, "loading live questions failed"))
            .ok()?;
        let json = serde_json::to_string(&list).ok()?;
        Some(Frame {
            event: "questions",
            data: json.into(),
        })
    }

    /// Every room on this server, taken out of the lock.
    fn all_rooms(&self) -> Vec<(i64, Arc<Room>)> {
        self.rooms
            .lock()
            .expect("rooms lock")
            .iter()
            .map(|(id, r)| (*id, Arc::clone(r)))
            .collect()
    }

    /// One look at every room: send what changed, announce counts, add
    /// views, forget rooms nobody watched for a minute.
    async fn tick(&self) {
        let rooms = self.all_rooms();
        let due = {
            let mut at = self.flushed_at.lock().expect("flush time lock");
            // Half a tick early rather than a tick late.
            let due = at.elapsed() + TICK / 2 >= self.flush_every;
            if due {
                *at = Instant::now();
            }
            due
        };
        if due {
            self.flush().await;
        }
        for (id, room) in rooms {
            let local = room.local.load(Ordering::Relaxed);
            let watching = room.watching();
            if local == 0 && watching == 0 {
                let mut s = room.state.lock().expect("room state");
                let since = *s.idle_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_secs(60) {
                    drop(s);
                    self.rooms.lock().expect("rooms lock").remove(&id);
                    continue;
                }
            } else {
                room.state.lock().expect("room state").idle_since = None;
            }
            self.announce(id, &room, local).await;
            if room.questions_dirty.swap(false, Ordering::Relaxed) {
                match self.questions_frame(id).await {
                    Some(frame) => {
                        room.state.lock().expect("room state").questions_frame =
                            Some(frame.clone());
                        let _ = room.tx.send(frame);
                    }
                    // The database did not answer: try again on the next tick
                    // rather than leave the pages with old questions.
                    None => room.questions_dirty.store(true, Ordering::Relaxed),
                }
            }
            let recount = {
                let s = room.state.lock().expect("room state");
                s.audience_at.is_none_or(|at| at.elapsed() > AUDIENCE_EVERY)
            };
            if (room.audience_dirty.swap(false, Ordering::Relaxed) || recount)
                && let Ok(a) = audience::audience(self.db.pool(), id).await
            {
                let mut s = room.state.lock().expect("room state");
                s.audience = a;
                s.audience_at = Some(Instant::now());
            }
            let mut s = room.state.lock().expect("room state");
            let counts = LiveCounts {
                watching,
                audience: s.audience,
            };
            if s.counts.as_ref() != Some(&counts) {
                let frame = counts_frame(&counts);
                s.counts = Some(counts);
                s.counts_frame = Some(frame.clone());
                drop(s);
                let _ = room.tx.send(frame);
            }
        }
    }

    /// Tells the other servers this one's watcher count of a room: every
    /// second while it has watchers, and once when it drops to none.
    async fn announce(&self, id: i64, room: &Room, local: i64) {
        if self.db.backend() != Backend::Postgres {
            return;
        }
        let due = {
            let mut s = room.state.lock().expect("room state");
            let due = local > 0 || s.announced != Some(0);
            if due {
                s.announced = Some(local);
            }
            due
        };
        if due {
            self.tell(Note {
                n: self.bus.node().to_owned(),
                l: id,
                w: Some(local),
                q: false,
                a: false,
            })
            .await;
        }
    }

    async fn flush_room_views(&self, id: i64, room: &Room) {
        let n = room.pending_views.swap(0, Ordering::Relaxed);
        if n == 0 {
            return;
        }
        if let Err(e) = queries::add_views(self.db.pool(), id, n).await {
            // Kept for the next tick: nothing counted is lost.
            room.pending_views.fetch_add(n, Ordering::Relaxed);
            tracing::warn!(error = %e, "adding views failed");
        }
    }

    /// Adds every browser and view counted so far to the database (at
    /// shutdown, and in tests and benchmarks that read them).
    pub async fn flush(&self) {
        let _writing = self.flushing.lock().await;
        self.flush_viewers().await;
        let rooms = self.all_rooms();
        for (id, room) in rooms {
            self.flush_room_views(id, &room).await;
        }
    }

    async fn tell(&self, note: Note) {
        if self.db.backend() != Backend::Postgres {
            return;
        }
        let Ok(payload) = serde_json::to_string(&note) else {
            return;
        };
        self.bus.send(CHANNEL, &payload).await;
    }

    fn heard(&self, note: Note) {
        if note.n == self.bus.node() {
            return;
        }
        let Some(room) = self.existing_room(note.l).or_else(|| {
            // Another server's watchers make a room worth keeping here too.
            note.w.filter(|w| *w > 0).map(|_| self.room(note.l))
        }) else {
            return;
        };
        if let Some(w) = note.w {
            let mut remote = room.remote.lock().expect("room lock");
            if w > 0 {
                remote.insert(note.n.clone(), (w, Instant::now()));
            } else {
                remote.remove(&note.n);
            }
        }
        if note.q {
            room.questions_dirty.store(true, Ordering::Relaxed);
        }
        if note.a {
            room.audience_dirty.store(true, Ordering::Relaxed);
        }
    }

    /// Notes sent while this server was not listening are lost: reload what
    /// they could have changed in every room.
    fn missed_notes(&self) {
        for room in self.rooms.lock().expect("rooms lock").values() {
            room.questions_dirty.store(true, Ordering::Relaxed);
            room.audience_dirty.store(true, Ordering::Relaxed);
        }
    }
}

/// Makes room among the browsers remembered: those without a view in the
/// last half hour go first, everything if that is not enough (they are
/// then asked about again, and may count one more view each).
fn forget_old(seen: &mut HashMap<(i64, String), Seen>) {
    const RECENT: Duration = Duration::from_secs(30 * 60);
    seen.retain(|_, s| s.last_view.is_some_and(|at| at.elapsed() < RECENT));
    if seen.len() >= SEEN_MAX / 2 {
        seen.clear();
    }
}

fn counts_frame(counts: &LiveCounts) -> Frame {
    Frame {
        event: "counts",
        data: serde_json::to_string(counts)
            .unwrap_or_else(|_| "{}".to_owned())
            .into(),
    }
}
