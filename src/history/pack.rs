//! Versions of the site's trees and files read straight from the repository's packs,
//! each decoded against a version already held.
//!
//! A pack stores most versions of a large folder's tree (a backlog of thousands of
//! files), and of a file, as a delta (OFS_DELTA) against a nearby version, and history
//! walks the versions newest first, so a version's base is usually one it has just
//! decoded. gix's own look-up goes through its pack cache, which copies the whole base
//! out and the result in on every look-up, and keeps too few versions for the bases
//! of a file's versions to be there; here the base is the buffer already held, and the
//! delta is applied onto it once. Whatever this path does not handle (a loose object,
//! an alternate's pack, REF_DELTA, replaced objects) is left to gix.

use super::HistoryError;
use super::rope::Rope;
use gix::ObjectId;
use gix::object::Kind;
use gix::odb::pack::Bundle;
use gix::odb::pack::data::{Entry, Offset, entry::Header};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// Bytes of decoded objects the readers hold together, shared out between the threads
/// (each at least [`HELD_BYTES_MIN`]): the latest versions of the large folders' trees,
/// which the next older versions are deltas against (git packs each version against
/// one of the ten or so nearest, at most 50 deltas from a whole one). On a 2,000-commit
/// history of a 10,000-file backlog (370 KB trees) read by 2 threads, 32 MB each applied
/// the fewest deltas (2,900, against 3,600 with 16 MB), yet 12 MB each is faster (a
/// buffer let go and reused is still in the cache: audit's CPU 0.84 -> 0.80 s) and
/// takes 24 MB less memory.
const HELD_BYTES: usize = 24 << 20;
const HELD_BYTES_MIN: usize = 4 << 20;

/// The largest entry read from a pack (1 GiB); a larger one is reported as damaged.
const LARGEST_ENTRY: usize = 1 << 30;

/// Buffers of objects let go that a reader keeps to decode the next ones into.
const SPARE: usize = 4;

/// The most pieces a tree decoded as pieces of its base ([`Rope`]) is made of; one
/// with more is copied into one buffer. Each delta adds a few (git's chains are at
/// most 50 deltas long), and a walk steps over each piece it skips.
const MOST_PIECES: usize = 256;

/// The repository's own packs, opened once and shared by the threads that read them.
pub struct Packs {
    bundles: Vec<Bundle>,
}

/// Where an object is stored: a pack (by position in [`Packs`]) and the entry's offset.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Location {
    pack: usize,
    offset: Offset,
}

impl Packs {
    /// The packs in the repository's `objects/pack` folder; none when the repository
    /// replaces objects (`git replace`), which only gix's look-up honours. A pack that
    /// cannot be opened is left out: its objects go through gix.
    pub fn open(repo: &gix::Repository) -> Packs {
        let store = repo.objects.store_ref();
        if store.replacements().next().is_some() {
            return Packs { bundles: vec![] };
        }
        let folder = store.path().join("pack");
        let mut idx: Vec<_> = std::fs::read_dir(folder)
            .into_iter()
            .flatten()
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
            .collect();
        idx.sort();
        let bundles = idx.iter().filter_map(|path| Bundle::at(path, repo.object_hash()).ok()).collect();
        Packs { bundles }
    }

    fn locate(&self, id: &ObjectId) -> Option<Location> {
        self.bundles.iter().enumerate().find_map(|(pack, bundle)| {
            let index = bundle.index.lookup(id)?;
            Some(Location { pack, offset: bundle.index.pack_offset_at_index(index) })
        })
    }
}

/// Where a held object came from: a pack entry (a delta's base is named by its
/// offset), or gix (a loose object, or one not in a form read here).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Packed(Location),
    Elsewhere(ObjectId),
}

/// One decoded object.
struct Held {
    kind: Kind,
    data: Rope,
    /// When it was last used: its place in [`Objects::order`].
    used: u64,
}

/// One thread's objects: the versions of trees and files decoded lately, up to
/// its share of [`HELD_BYTES`], the least recently used let go first.
pub struct Objects<'p> {
    packs: &'p Packs,
    held: HashMap<Key, Held>,
    /// Where each held object with a known id is (a version decoded on the way to
    /// another has none).
    ids: HashMap<ObjectId, Key>,
    /// Keys by time of use, oldest first; an entry whose time is no longer its
    /// object's was used again since.
    order: VecDeque<(u64, Key)>,
    clock: u64,
    bytes: usize,
    budget: usize,
    /// Buffers of objects let go, to decode the next ones into: a fresh buffer for a
    /// tree of hundreds of kilobytes costs its allocation and its growth.
    spare: Vec<Vec<u8>>,
    /// A delta's instructions, inflated.
    delta: Vec<u8>,
    inflate: gix::zlib::Inflate,
}

impl<'p> Objects<'p> {
    pub fn new(packs: &'p Packs) -> Objects<'p> {
        Objects {
            packs,
            held: HashMap::new(),
            ids: HashMap::new(),
            order: VecDeque::new(),
            clock: 0,
            bytes: 0,
            budget: (HELD_BYTES / rayon::current_num_threads()).max(HELD_BYTES_MIN),
            spare: vec![],
            delta: vec![],
            inflate: Default::default(),
        }
    }

    /// An object's data: held, or decoded from a pack and then held. `None` when it is
    /// not in a pack in a form read here: the caller reads it through gix (and may
    /// hand it to [`Objects::hold`]).
    pub fn get(&mut self, id: &ObjectId, kind: Kind) -> Result<Option<Rope>, HistoryError> {
        if let Some(key) = self.ids.get(id).copied().filter(|key| self.held.contains_key(key)) {
            return Ok(self.touch(key, kind));
        }
        let Some(at) = self.packs.locate(id) else { return Ok(None) };
        let data = self.decode(at, kind)?;
        if data.is_some() {
            self.ids.insert(*id, Key::Packed(at));
        }
        Ok(data)
    }

    /// Holds an object read elsewhere (not from a pack, or not in a form read here).
    pub fn hold(&mut self, id: ObjectId, kind: Kind, data: Rc<Vec<u8>>) {
        self.keep(Key::Elsewhere(id), kind, Rope::whole(data));
        self.ids.insert(id, Key::Elsewhere(id));
    }

    /// A held object's data, now the most recently used; `None` if it is not of `kind`.
    fn touch(&mut self, key: Key, kind: Kind) -> Option<Rope> {
        self.clock += 1;
        let held = self.held.get_mut(&key).filter(|h| h.kind == kind)?;
        held.used = self.clock;
        self.order.push_back((self.clock, key));
        Some(held.data.clone())
    }

    /// Holds an object, letting the least recently used go beyond `budget` (their
    /// buffers kept for the next objects, when no one else holds them).
    /// A version made of pieces counts as many bytes as it holds, though most are its
    /// base's: a budget of bytes then holds as many versions as when each was copied.
    fn keep(&mut self, key: Key, kind: Kind, data: Rope) {
        self.clock += 1;
        self.bytes += data.len();
        if let Some(old) = self.held.insert(key, Held { kind, data, used: self.clock }) {
            self.bytes -= old.data.len();
        }
        self.order.push_back((self.clock, key));
        while self.bytes > self.budget && self.held.len() > 2 {
            let Some((used, key)) = self.order.pop_front() else { break };
            if self.held.get(&key).is_some_and(|h| h.used == used) {
                let gone = self.held.remove(&key).expect("a held object");
                self.bytes -= gone.data.len();
                self.spare(gone.data.into_vec());
            }
        }
        // The ids of objects let go, and the times of objects used again since.
        if self.ids.len() > 2 * self.held.len() + 64 {
            let held = &self.held;
            self.ids.retain(|_, key| held.contains_key(key));
        }
        if self.order.len() > 2 * self.held.len() + 64 {
            let held = &self.held;
            self.order.retain(|(used, key)| held.get(key).is_some_and(|h| h.used == *used));
        }
    }

    /// Keeps a buffer to decode a next object into, up to [`SPARE`] of them.
    fn spare(&mut self, buf: Option<Vec<u8>>) {
        if self.spare.len() < SPARE {
            self.spare.extend(buf);
        }
    }

    /// The object at a pack entry, then held (the most recently used): its chain of
    /// deltas followed down to a held version or to a whole object, then applied
    /// upwards. Each version on the way is held too: the first versions a thread reads
    /// have their bases among versions it never reads (newer ones, another thread's),
    /// and the next versions are deltas against the same ones. `None` for a REF_DELTA
    /// in the chain or a base not of `kind` (gix reports what is wrong with it).
    fn decode(&mut self, at: Location, kind: Kind) -> Result<Option<Rope>, HistoryError> {
        let packs = self.packs;
        let pack = &packs.bundles[at.pack].pack;
        let mut chain = vec![];
        let mut entry = pack.entry(at.offset).map_err(git)?;
        let mut data = loop {
            let here = Location { pack: at.pack, offset: entry.pack_offset() };
            if self.held.contains_key(&Key::Packed(here)) {
                match self.touch(Key::Packed(here), kind) {
                    Some(data) => break data,
                    None => return Ok(None),
                }
            }
            match entry.header {
                Header::OfsDelta { base_distance } => match entry.checked_base_pack_offset(base_distance) {
                    // Offsets only go down, so the chain ends.
                    Some(base) => {
                        chain.push(entry);
                        entry = pack.entry(base).map_err(git)?;
                    }
                    None => {
                        return Err(HistoryError::Git(format!("{}: a delta's base is outside the pack", name(pack))));
                    }
                },
                header if header.as_kind() == Some(kind) => break self.whole(here, kind, &entry)?,
                _ => return Ok(None),
            }
        };
        for delta in chain.iter().rev() {
            data = self.apply(at.pack, kind, delta, &data)?;
        }
        Ok(Some(data))
    }

    /// A whole object's data, inflated and held.
    fn whole(&mut self, at: Location, kind: Kind, entry: &Entry) -> Result<Rope, HistoryError> {
        let packs = self.packs;
        let mut out = self.spare.pop().unwrap_or_default();
        inflate(&packs.bundles[at.pack].pack, entry, &mut self.inflate, &mut out)?;
        Ok(self.keep_new(at, kind, out))
    }

    /// A delta entry applied onto its base's data, held: a tree as pieces of its base
    /// and of the delta ([`Rope`]), a file's version as bytes (its parser reads them).
    fn apply(&mut self, pack: usize, kind: Kind, delta: &Entry, base: &Rope) -> Result<Rope, HistoryError> {
        let packs = self.packs;
        let file = &packs.bundles[pack].pack;
        let at = Location { pack, offset: delta.pack_offset() };
        let damaged = |err: super::delta::BadDelta| {
            HistoryError::Git(format!("{}: at offset {}: {err}", name(file), delta.pack_offset()))
        };
        if kind == Kind::Tree {
            let mut instructions = vec![];
            inflate(file, delta, &mut self.inflate, &mut instructions)?;
            let mut rope = Rope::apply(base, &Rc::new(instructions)).map_err(damaged)?;
            if rope.pieces() > MOST_PIECES {
                rope = Rope::whole(Rc::new(rope.to_vec()));
            }
            self.keep(Key::Packed(at), kind, rope.clone());
            return Ok(rope);
        }
        inflate(file, delta, &mut self.inflate, &mut self.delta)?;
        let mut out = self.spare.pop().unwrap_or_default();
        super::delta::apply(&base.bytes(), &self.delta, &mut out).map_err(damaged)?;
        Ok(self.keep_new(at, kind, out))
    }

    /// Holds a version just decoded, its id not known yet; a small one decoded into a
    /// large tree's buffer is held in a buffer of its size, the large one kept spare.
    fn keep_new(&mut self, at: Location, kind: Kind, mut data: Vec<u8>) -> Rope {
        if data.capacity() > 2 * data.len() + 4096 {
            let fitted = data.clone();
            self.spare(Some(std::mem::replace(&mut data, fitted)));
        }
        let data = Rope::whole(Rc::new(data));
        self.keep(Key::Packed(at), kind, data.clone());
        data
    }
}

/// An entry's data (a whole object or a delta's instructions) inflated into `out`.
fn inflate(
    pack: &gix::odb::pack::data::File,
    entry: &Entry,
    inflate: &mut gix::zlib::Inflate,
    out: &mut Vec<u8>,
) -> Result<(), HistoryError> {
    // A damaged header may claim any size: nothing a site holds comes near this one.
    let size = usize::try_from(entry.decompressed_size).ok().filter(|size| *size <= LARGEST_ENTRY);
    let size = size.ok_or_else(|| too_large(pack))?;
    out.clear();
    out.try_reserve(size).map_err(|_| too_large(pack))?;
    out.resize(size, 0);
    pack.decompress_entry(entry, inflate, out).map_err(git)?;
    Ok(())
}

fn too_large(pack: &gix::odb::pack::data::File) -> HistoryError {
    HistoryError::Git(format!("{}: an entry larger than 1 GiB (a damaged pack?)", name(pack)))
}

fn name(pack: &gix::odb::pack::data::File) -> String {
    pack.path().display().to_string()
}

fn git(err: impl std::fmt::Display) -> HistoryError {
    HistoryError::Git(err.to_string())
}
