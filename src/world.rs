//! The in-memory Typst world a document is compiled in.
//!
//! The world holds the template's files, the shared fonts and the document's
//! data. The data reaches the template as the value `sys.inputs.notice`
//! (a dictionary), never as markup, so nothing a clerk types can run as Typst
//! code. The template may read only files of its own folder; there is no
//! package access, no clock and no network.

use std::collections::HashMap;
use std::sync::Mutex;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::FontSet;
use crate::template::Template;

/// The name under which the document data appears in `sys.inputs`.
pub const INPUT_KEY: &str = "notice";

pub struct NoticeWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a FontSet,
    template: &'a Template,
    main: FileId,
    sources: Mutex<HashMap<FileId, Source>>,
}

impl<'a> NoticeWorld<'a> {
    /// A world compiling `template` with `data` as `sys.inputs.notice`.
    pub fn new(fonts: &'a FontSet, template: &'a Template, data: Value) -> Self {
        let mut inputs = Dict::new();
        inputs.insert(INPUT_KEY.into(), data);
        let library = Library::builder().with_inputs(inputs).build();
        let main = RootedPath::new(
            VirtualRoot::Project,
            VirtualPath::new(template.main_file()).expect("template main path is valid"),
        )
        .intern();
        NoticeWorld {
            library: LazyHash::new(library),
            fonts,
            template,
            main,
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
        self.template.read(id.vpath())
    }
}

impl World for NoticeWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
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
