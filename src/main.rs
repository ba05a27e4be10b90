//! The `tmc` command: a thin shell over the library. The only place that touches the disk,
//! the clock, colour and exit codes (0 ok, 1 errors or a failed gate, 2 usage or I/O).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
