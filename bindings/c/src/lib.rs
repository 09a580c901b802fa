//! Placeholder: the c binding is being written (see the open issue).
