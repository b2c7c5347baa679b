import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI runs these on two loaded cores. Pages load lazily and MUI re-renders on every event, so a
// test that takes a second on an idle machine can take several there: the default 5 s per test
// and 1 s per findBy*/waitFor are too short. A wait still ends as soon as its element shows, and
// a test that really hangs still fails, with the wait that timed out. (jest's testTimeout in
// package.json is global-only, so it is set here, per package.)
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 10_000 });
