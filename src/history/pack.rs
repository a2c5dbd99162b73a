//! Versions of the site's trees read straight from the repository's packs, each
//! decoded against a version already held.
//!
//! A pack stores most versions of a large folder's tree (a backlog of thousands of
//! files) as a delta (OFS_DELTA) against a nearby version, and history walks the
//! versions newest first, so a version's base is usually one it has just decoded. gix's
//! own look-up goes through its pack cache, which copies the whole base tree out and
//! the result in on every look-up; here the base is the buffer already held, and the
//! delta is applied onto it once. Whatever this path does not handle (a loose object,
//! an alternate's pack, REF_DELTA, replaced objects) is left to gix.

use super::HistoryError;
use gix::ObjectId;
use gix::odb::pack::Bundle;
use gix::odb::pack::data::{Entry, Offset, entry::Header};
use std::collections::VecDeque;
use std::rc::Rc;

/// Bytes of decoded trees one reader holds: the latest versions of the large folders,
/// which the next older versions are deltas against (git packs each version against
/// one of the ten or so nearest).
const HELD_BYTES: usize = 32 << 20;

/// The repository's own packs, opened once and shared by the threads that read trees.
pub struct Packs {
    bundles: Vec<Bundle>,
}

/// Where an object is stored: a pack (by position in [`Packs`]) and the entry's offset.
#[derive(Clone, Copy, PartialEq, Eq)]
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

/// One decoded tree, by id (unknown for a version decoded on the way to another) and
/// by where its pack entry is (a delta's base is named by its offset).
struct Held {
    id: Option<ObjectId>,
    at: Option<Location>,
    data: Rc<Vec<u8>>,
}

/// One thread's trees: the versions decoded lately, the most recently used last, up
/// to [`HELD_BYTES`].
pub struct Trees<'p> {
    packs: &'p Packs,
    held: VecDeque<Held>,
    /// Buffers of trees let go, to decode the next ones into: a fresh buffer for a tree
    /// of hundreds of kilobytes costs its allocation and its growth.
    spare: Vec<Vec<u8>>,
    /// A delta's instructions, inflated.
    delta: Vec<u8>,
    inflate: gix::zlib::Inflate,
}

impl<'p> Trees<'p> {
    pub fn new(packs: &'p Packs) -> Trees<'p> {
        Trees { packs, held: VecDeque::new(), spare: vec![], delta: vec![], inflate: Default::default() }
    }

    /// A tree's raw data: held, or decoded from a pack and then held. `None` when the
    /// tree is not in a pack in a form read here: the caller reads it through gix and
    /// hands it to [`Trees::hold`].
    pub fn get(&mut self, id: &ObjectId) -> Result<Option<Rc<Vec<u8>>>, HistoryError> {
        if let Some(at) = self.held.iter().position(|h| h.id == Some(*id)) {
            return Ok(Some(self.touch(at)));
        }
        let Some(at) = self.packs.locate(id) else { return Ok(None) };
        let data = self.decode(at)?;
        if let Some(held) = self.held.back_mut().filter(|_| data.is_some()) {
            held.id = Some(*id);
        }
        Ok(data)
    }

    /// Holds a tree read elsewhere (not from a pack, or not in a form read here).
    pub fn hold(&mut self, id: ObjectId, data: Rc<Vec<u8>>) {
        self.keep(Held { id: Some(id), at: None, data });
    }

    /// A held tree's data, now the most recently used.
    fn touch(&mut self, at: usize) -> Rc<Vec<u8>> {
        let held = self.held.remove(at).expect("a held tree's position");
        let data = held.data.clone();
        self.held.push_back(held);
        data
    }

    /// Holds a tree, letting the least recently used go beyond [`HELD_BYTES`] (their
    /// buffers kept for the next trees, when no one else holds them).
    fn keep(&mut self, held: Held) {
        self.held.push_back(held);
        let mut bytes: usize = self.held.iter().map(|h| h.data.len()).sum();
        while bytes > HELD_BYTES && self.held.len() > 2 {
            let gone = self.held.pop_front().expect("more than two held");
            bytes -= gone.data.len();
            if let Ok(buf) = Rc::try_unwrap(gone.data) {
                self.spare.push(buf);
            }
        }
    }

    /// The tree at a pack entry, then held (the most recently used): its chain of
    /// deltas followed down to a held version or to a whole tree, then applied upwards.
    /// Each version on the way is held too: the first versions a thread reads have
    /// their bases among versions it never reads (newer ones, another thread's), and
    /// the next versions are deltas against the same ones. `None` for a REF_DELTA in the
    /// chain or a base that is not a tree (gix reports what is wrong with it).
    fn decode(&mut self, at: Location) -> Result<Option<Rc<Vec<u8>>>, HistoryError> {
        let packs = self.packs;
        let pack = &packs.bundles[at.pack].pack;
        let mut chain = vec![];
        let mut entry = pack.entry(at.offset).map_err(git)?;
        let mut data = loop {
            let here = Location { pack: at.pack, offset: entry.pack_offset() };
            if let Some(held) = self.held.iter().position(|h| h.at == Some(here)) {
                break self.touch(held);
            }
            match entry.header {
                Header::Tree => break self.whole(here, &entry)?,
                // Offsets only go down, so the chain ends.
                Header::OfsDelta { base_distance } => match entry.checked_base_pack_offset(base_distance) {
                    Some(base) => {
                        chain.push(entry);
                        entry = pack.entry(base).map_err(git)?;
                    }
                    None => {
                        return Err(HistoryError::Git(format!("{}: a delta's base is outside the pack", name(pack))));
                    }
                },
                _ => return Ok(None),
            }
        };
        for delta in chain.iter().rev() {
            data = self.apply(at.pack, delta, &data)?;
        }
        Ok(Some(data))
    }

    /// A whole tree's data, inflated and held.
    fn whole(&mut self, at: Location, entry: &Entry) -> Result<Rc<Vec<u8>>, HistoryError> {
        let packs = self.packs;
        let mut out = self.spare.pop().unwrap_or_default();
        inflate(&packs.bundles[at.pack].pack, entry, &mut self.inflate, &mut out)?;
        Ok(self.keep_new(at, out))
    }

    /// A delta entry applied onto its base's data, held.
    fn apply(&mut self, pack: usize, delta: &Entry, base: &[u8]) -> Result<Rc<Vec<u8>>, HistoryError> {
        let packs = self.packs;
        let file = &packs.bundles[pack].pack;
        inflate(file, delta, &mut self.inflate, &mut self.delta)?;
        let mut out = self.spare.pop().unwrap_or_default();
        super::delta::apply(base, &self.delta, &mut out)
            .map_err(|err| HistoryError::Git(format!("{}: at offset {}: {err}", name(file), delta.pack_offset())))?;
        Ok(self.keep_new(Location { pack, offset: delta.pack_offset() }, out))
    }

    /// Holds a version just decoded, its id not known yet.
    fn keep_new(&mut self, at: Location, data: Vec<u8>) -> Rc<Vec<u8>> {
        let data = Rc::new(data);
        self.keep(Held { id: None, at: Some(at), data: data.clone() });
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
    let size = usize::try_from(entry.decompressed_size).map_err(|_| too_large(pack))?;
    out.clear();
    out.try_reserve(size).map_err(|_| too_large(pack))?;
    out.resize(size, 0);
    pack.decompress_entry(entry, inflate, out).map_err(git)?;
    Ok(())
}

fn too_large(pack: &gix::odb::pack::data::File) -> HistoryError {
    HistoryError::Git(format!("{}: an entry larger than memory", name(pack)))
}

fn name(pack: &gix::odb::pack::data::File) -> String {
    pack.path().display().to_string()
}

fn git(err: impl std::fmt::Display) -> HistoryError {
    HistoryError::Git(err.to_string())
}
