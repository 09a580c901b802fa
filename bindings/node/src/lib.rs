//! Placeholder: the node binding is being written (see the open issue).
