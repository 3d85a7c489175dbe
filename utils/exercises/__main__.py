from .solutions import main

raise SystemExit(main())
