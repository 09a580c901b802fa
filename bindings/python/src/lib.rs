//! Placeholder: the python binding is being written (see the open issue).
