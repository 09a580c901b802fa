//! Placeholder: the uniffi binding is being written (see the open issue).
