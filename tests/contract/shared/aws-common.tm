// shared declarations
