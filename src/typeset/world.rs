//! The in-memory Typst world a document is compiled in.
//!
//! The world holds the template's files, the shared fonts and the document's
//! data. The data reaches the template as a virtual JSON file,
//! (`data::DATA_PATH`), never as markup, so nothing a clerk types can run as Typst
//! code; the seal image is another virtual file. Keeping the data out of
//! `sys.inputs` keeps Typst's standard library identical between documents,
//! so its caches carry over (a batch or a `watch` relays out only what
//! changed). The template may read only files of its own folder; there is no
//! package access, no clock and no network.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::FontSet;
use super::template::Template;

/// One standard library for every document of the process.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

pub struct NoticeWorld<'a> {
    fonts: &'a FontSet,
    template: &'a Template,
    main: FileId,
    /// The document data and seal, by virtual path.
    virtual_files: HashMap<FileId, Bytes>,
    sources: Mutex<HashMap<FileId, Source>>,
}

/// The id of a path of the template's virtual file system.
pub fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

impl<'a> NoticeWorld<'a> {
    /// A world compiling `template` with `files` (path, bytes) beside it.
    pub fn new(fonts: &'a FontSet, template: &'a Template, files: Vec<(&str, Bytes)>) -> Self {
        NoticeWorld {
            fonts,
            template,
            main: file_id(template.main_file()),
            virtual_files: files
                .into_iter()
                .map(|(path, bytes)| (file_id(path), bytes))
                .collect(),
            sources: Mutex::new(HashMap::new()),
        }
    }

    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if !matches!(id.root(), VirtualRoot::Project) {
            // Packages would need the network; templates must be self-contained.
            return Err(FileError::Other(Some(
                "packages are not available to notice templates".into(),
            )));
        }
        if let Some(bytes) = self.virtual_files.get(&id) {
            return Ok(bytes.clone());
        }
        self.template.read(id.vpath())
    }
}

impl World for NoticeWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let mut sources = self.sources.lock().unwrap();
        if let Some(source) = sources.get(&id) {
            return Ok(source.clone());
        }
        let bytes = self.read(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        let source = Source::new(id, text.into());
        sources.insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.read(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry their own date; a clock would break reproducibility.
        None
    }
}
