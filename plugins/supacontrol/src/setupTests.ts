import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Pages load lazily, and CI runs these beside the integration tests on two cores: the default
// second for findBy*/waitFor is too short there. A wait still ends as soon as its element shows.
configure({ asyncUtilTimeout: 10_000 });
